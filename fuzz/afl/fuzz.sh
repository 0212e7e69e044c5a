#!/usr/bin/env bash
# AFL++ fuzzing of synack on the stable toolchain (see docs/reliability.md, "Fuzzing").
#
#   fuzz/afl/fuzz.sh setup            install cargo-afl (builds its own AFL++ 4.40c)
#   fuzz/afl/fuzz.sh build            instrumented targets, debug assertions + overflow checks
#   fuzz/afl/fuzz.sh seeds            seed dirs in $WORK from the committed corpus, assets/demo
#                                     and small ../shared/corpus captures (never committed)
#   fuzz/afl/fuzz.sh run TARGET       one instance in the background under nice -n 19
#   fuzz/afl/fuzz.sh status           execs, corpus, edges of every instance
#   fuzz/afl/fuzz.sh cmin TARGET      minimize the queue into fuzz/afl/corpus/TARGET
#   fuzz/afl/fuzz.sh crashes          copy crashing inputs to fuzz/afl/regressions/TARGET
#
# TARGET is `reader` (a whole pcap/pcapng file) or `packet` (a link-type byte and one frame).
# `cargo test --test fuzz_corpus` replays the committed corpus and regressions; it needs none
# of this.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
AFL_DIR="$ROOT/fuzz/afl"
WORK=${WORK:-/tmp/synack-fuzz}
BIN="$AFL_DIR/target/release"

# cargo-afl's own AFL++ tools: Debian's afl++ (4.04c) is older, and mixing the two fails
# (the newer afl-cmin passes options the older afl-showmap rejects).
afl_bin() {
    local v h
    v=$(rustc -V | awk '{print $2}')
    h=$(rustc -V | sed -E 's/.*\(([0-9a-f]{7}).*/\1/')
    ls -d "$HOME"/.local/share/afl.rs/rustc-"$v"-"$h"/afl.rs-*/afl/bin 2>/dev/null | tail -n 1
}

with_afl() {
    local dir
    dir=$(afl_bin)
    [ -n "$dir" ] || { echo "cargo-afl's AFL++ is not built: run '$0 setup'" >&2; exit 1; }
    PATH="$dir:$PATH" AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
        AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 "$@"
}

target() {
    case "${1:-}" in
        reader | packet) echo "$1" ;;
        *) echo "TARGET must be reader or packet" >&2; exit 2 ;;
    esac
}

case "${1:-}" in
    setup)
        cargo install cargo-afl
        ;;
    build)
        # cargo afl adds -C debug-assertions -C overflow_checks; Cargo.toml's release profile
        # says the same.
        (cd "$AFL_DIR" && cargo afl build --release)
        ;;
    seeds)
        mkdir -p "$WORK/seeds/reader" "$WORK/seeds/packet"
        cp "$AFL_DIR"/corpus/reader/* "$AFL_DIR"/regressions/reader/* "$WORK/seeds/reader/" 2>/dev/null || true
        cp "$AFL_DIR"/corpus/packet/* "$WORK/seeds/packet/" 2>/dev/null || true
        # Small captures only: a 36 KB seed first in the queue kept a whole run on it at
        # 20 executions a second; under 1.5 KB every link type and format is still there.
        find "$ROOT/assets/demo" -name '*.pcap' -size -1500c -exec cp {} "$WORK/seeds/reader/" \;
        shared="$ROOT/../shared/corpus"
        if [ -d "$shared" ]; then
            find "$shared/tcpdump" "$shared/public" -type f -size -1500c |
                while read -r f; do cp "$f" "$WORK/seeds/reader/$(basename "$f")"; done
            # Captures of the decoders added after the first runs (netlink and NFLOG/NFQUEUE,
            # 802.11s mesh, GRE with Cisco MetaData; the UDP-Lite and RARP ones are small
            # enough above) are larger: their first packets (Wireshark's editcap) seed the
            # reader, and their first 40 frames the packet target.
            heads="$WORK/seeds/heads"
            mkdir -p "$heads"
            if command -v editcap >/dev/null; then
                for f in "$shared"/public/ws-wiki__*netlink* "$shared"/public/ws-wiki__nlmon* \
                    "$shared"/public/ws-wiki__nflog* "$shared"/public/ws-wiki__mesh.pcap \
                    "$shared"/tcpdump/various_gre.pcap "$shared"/public/ws-wiki__GRE.pcap; do
                    [ -f "$f" ] || continue
                    b=$(basename "$f")
                    case "$b" in *.pcapng) fmt=pcapng ;; *) fmt=pcap ;; esac
                    editcap -F "$fmt" -r "$f" "$heads/$b" 1-40 || continue
                    editcap -F "$fmt" -r "$f" "$WORK/seeds/reader/head-$b" 1-4 || continue
                done
                # Frames with Cisco MetaData in GRE (11 and 12 of various_gre.pcap).
                [ -f "$shared/tcpdump/various_gre.pcap" ] &&
                    editcap -F pcap -r "$shared/tcpdump/various_gre.pcap" \
                        "$WORK/seeds/reader/head-gre-cmd.pcap" 11-12
            else
                echo "editcap (Wireshark) not found: no seeds from the larger captures" >&2
            fi
            # `packet` seeds: each frame of those captures behind its link-type byte.
            python3 "$AFL_DIR/frames.py" "$WORK/seeds/reader" "$WORK/seeds/packet"
            python3 "$AFL_DIR/frames.py" "$heads" "$WORK/seeds/packet"
            rm -rf "$heads"
        fi
        ls "$WORK/seeds/reader" | wc -l
        ;;
    run)
        t=$(target "${2:-}")
        mkdir -p "$WORK/out"
        in="$WORK/seeds/$t"
        [ -d "$in" ] || in="$AFL_DIR/corpus/$t"
        # Resume where a previous run stopped.
        [ -d "$WORK/out/$t/default/queue" ] && in=-
        # Inputs stay under 4 KiB: small inputs run fast and still hold dozens of records.
        with_afl nohup nice -n 19 afl-fuzz -i "$in" -o "$WORK/out/$t" -G 4096 -t 1000 -m none \
            -- "$BIN/$t" >"$WORK/$t.log" 2>&1 &
        echo "started $t (pid $!), log $WORK/$t.log"
        ;;
    status)
        for t in reader packet; do
            s="$WORK/out/$t/default/fuzzer_stats"
            [ -f "$s" ] || continue
            echo "== $t"
            grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|edges_found|total_edges) ' "$s"
        done
        ;;
    cmin)
        t=$(target "${2:-}")
        rm -rf "$WORK/cmin-$t" "$WORK/maps-$t"
        # One coverage map per queue entry, then afl-cmin's rule (cmin.py).
        with_afl afl-showmap -i "$WORK/out/$t/default/queue" -o "$WORK/maps-$t" -t 1000 \
            -m none -- "$BIN/$t" >/dev/null
        python3 "$AFL_DIR/cmin.py" "$WORK/out/$t/default/queue" "$WORK/maps-$t" "$WORK/cmin-$t"
        rm -rf "$AFL_DIR/corpus/$t"
        mkdir -p "$AFL_DIR/corpus/$t"
        # Content-addressed names: stable across runs, no AFL bookkeeping in the repo.
        for f in "$WORK/cmin-$t"/*; do
            cp "$f" "$AFL_DIR/corpus/$t/$(sha1sum "$f" | cut -c1-16)"
        done
        du -sh "$AFL_DIR/corpus/$t"
        ;;
    crashes)
        for t in reader packet; do
            mkdir -p "$AFL_DIR/regressions/$t"
            for f in "$WORK"/out/"$t"/default/crashes/id:*; do
                [ -f "$f" ] || continue
                cp "$f" "$AFL_DIR/regressions/$t/crash-$(sha1sum "$f" | cut -c1-16)"
            done
        done
        ;;
    *)
        sed -n '2,16p' "$0"
        exit 2
        ;;
esac

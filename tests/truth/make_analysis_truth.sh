#!/usr/bin/env bash
# Regenerates tests/truth/analysis/*.tsv: tshark's TCP sequence analysis (`tcp.analysis.*`,
# Wireshark 4.0 defaults: relative sequence numbers, analysis on) for every capture of
# ../shared/corpus/tcpdump, ../shared/corpus/public and assets/demo.
# Read by tests/analysis_conformance.rs. Needs tshark 4.0 (made with Debian's 4.0.17).
# Usage: make_analysis_truth.sh [demo|tcpdump|public ...]   (JOBS=N tshark runs at once)
#
# Format (compact: only frames that carry at least one analysis field):
#   @ NAME                      a capture (every capture tshark read gets one, rows or not)
#   FRAME<TAB>LETTERS<TAB>DUP_NUM<TAB>DUP_FRAME<TAB>BYTES_IN_FLIGHT<TAB>ACK_RTT_NS
# LETTERS, one per expert verdict present on the frame (empty cell: none):
#   R retransmission  F fast_retransmission  S spurious_retransmission  O out_of_order
#   L lost_segment    A ack_lost_segment     D duplicate_ack            Z zero_window
#   P zero_window_probe  Q zero_window_probe_ack  W window_full  U window_update
#   K keep_alive      k keep_alive_ack       X reused_ports
# Note that tshark marks a fast or spurious retransmission with `retransmission` too (R).
set -u
cd "$(dirname "$0")/../.."
corpus=../shared/corpus
out=tests/truth/analysis
mkdir -p "$out"
names="retransmission fast_retransmission spurious_retransmission out_of_order lost_segment
ack_lost_segment duplicate_ack zero_window zero_window_probe zero_window_probe_ack window_full
window_update keep_alive keep_alive_ack reused_ports"
args=(-e frame.number)
for n in $names; do args+=(-e "tcp.analysis.$n"); done
args+=(-e tcp.analysis.duplicate_ack_num -e tcp.analysis.duplicate_ack_frame
       -e tcp.analysis.bytes_in_flight -e tcp.analysis.ack_rtt)

one() { # $1 = capture path; prints its section
  echo "@ $(basename "$1")"
  local text rc tries=0
  # tshark sometimes dies on a busy machine: try again rather than record "no verdicts".
  while :; do
    text=$(tshark -n -r "$1" -T fields -E separator=/t -E occurrence=f "${args[@]}" 2>/dev/null)
    rc=$?; tries=$((tries + 1))
    { [ $rc -eq 0 ] || [ $rc -eq 2 ] || [ $tries -ge 3 ]; } && break
  done
  [ $rc -eq 0 ] || [ $rc -eq 2 ] || echo "tshark failed ($rc) on $1" >&2
  printf '%s\n' "$text" |
    awk -F'\t' 'BEGIN { split("R F S O L A D Z P Q W U K k X", L, " ") }
      {
        s = ""; any = 0
        for (i = 1; i <= 15; i++) if ($(i + 1) != "") s = s L[i]
        rtt = $20
        if (rtt != "") {
          neg = (substr(rtt, 1, 1) == "-"); if (neg) rtt = substr(rtt, 2)
          split(rtt, p, "."); frac = substr(p[2] "000000000", 1, 9)
          ns = (p[1] + 0) * 1000000000 + (frac + 0); rtt = sprintf("%s%.0f", neg ? "-" : "", ns)
        }
        if (s != "" || $17 != "" || $18 != "" || $19 != "" || rtt != "")
          printf "%s\t%s\t%s\t%s\t%s\t%s\n", $1, s, $17, $18, $19, rtt
      }'
}

export -f one
export args_text="${args[*]}"

gen() { # $1 = output name, rest = captures; runs $JOBS tshark at once, keeps input order
  local name=$1; shift
  local tmp; tmp=$(mktemp -d)
  local i=0
  for f in "$@"; do [ -f "$f" ] && printf '%s\0%s\0' "$(printf '%06d' $i)" "$f"; i=$((i + 1)); done |
    xargs -0 -n 2 -P "${JOBS:-2}" bash -c 'read -ra args <<< "$args_text"; one "$2" > "'"$tmp"'/$1"' _
  {
    echo "# tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}') tcp.analysis truth; see make_analysis_truth.sh"
    cat "$tmp"/* 2>/dev/null
  } > "$out/$name.tsv"
  rm -rf "$tmp"
}

# A capture with TCP packets (per the corpus truth) but no analysis rows is checked again, one
# tshark at a time: an empty section must mean tshark had nothing to say.
refill() { # $1 = set name, $2 = capture folder
  local file=$out/$1.tsv name rows
  for name in $(awk '/^@ /{ if (n != "" && rows == 0) print n; n = $2; rows = 0; next }
                     { rows++ } END { if (n != "" && rows == 0) print n }' "$file"); do
    local tsv=$corpus/truth/$1/$name.packets.tsv
    [ -f "$tsv" ] && awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tcp.srcport") c = i; next }
                                 c && $c != "" { found = 1; exit } END { exit !found }' "$tsv" || continue
    rows=$(one "$2/$name")
    [ "$(printf '%s\n' "$rows" | wc -l)" -gt 1 ] || continue
    echo "refilled $name" >&2
    awk -v n="$name" -v rows="$rows" '$0 == "@ " n { print rows; skip = 1; next }
                                      /^@ / { skip = 0 } !skip' "$file" > "$file.new" && mv "$file.new" "$file"
  done
}

sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(demo tcpdump public)
for s in "${sets[@]}"; do
  case $s in
    demo) gen demo assets/demo/*.pcap ;;
    tcpdump) gen tcpdump "$corpus"/tcpdump/*.pcap "$corpus"/tcpdump/*.pcapng
             refill tcpdump "$corpus"/tcpdump ;;
    public) mapfile -t files < <(ls "$corpus"/public/* | grep -v '\.tsv$'); gen public "${files[@]}"
            refill public "$corpus"/public ;;
    refill-tcpdump) refill tcpdump "$corpus"/tcpdump ;;
    refill-public) refill public "$corpus"/public ;;
  esac
done
wc -c "$out"/*.tsv

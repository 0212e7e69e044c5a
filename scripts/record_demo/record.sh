#!/usr/bin/env bash
# Record synack's demo captures from real traffic between three network namespaces.
#
#   sdC (client) c0 ==veth== mc  sdM (middle)  ms ==veth== s0 (server) sdS
#
# sdM runs forwarder.py, a user-space layer-2 relay that delays every frame by DELAY_MS each way
# (this kernel has no tc netem) and drops chosen TCP segments deterministically. tcpdump records
# c0 in sdC, so every timestamp is the client's view. Each scenario writes one pcap to OUTDIR.
#
# Usage: sudo scripts/record_demo/record.sh [OUTDIR [NAME...]]   (default: assets/demo, all)
# With NAMEs (e.g. `slow_start port_scan`) only those scenarios are recorded again.
# Needs root, python3, tcpdump, ethtool, iproute2. Re-running replaces the files; the namespaces,
# processes and temp dir are removed on exit, including on error or Ctrl-C.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$REPO/assets/demo}
shift || true
ALL=(http refused ipv6 reset lossy simultaneous busy slow_start window_full close_simultaneous
     port_scan no_answer)
if [ $# -gt 0 ]; then WANT=("$@"); else WANT=("${ALL[@]}"); fi
for w in "${WANT[@]}"; do
    [[ " ${ALL[*]} " == *" $w "* ]] || { printf 'record.sh: no scenario %s\n' "$w" >&2; exit 1; }
done
DELAY_MS=${DELAY_MS:-40}
PY=${PYTHON:-python3}
NS_C=sdC NS_M=sdM NS_S=sdS
C4=10.77.1.1 S4=10.77.1.2 S4B=10.77.1.3
C6=fd00:77::1 S6=fd00:77::2
MAC_C=02:77:00:00:00:01 MAC_S=02:77:00:00:00:02
EXTRA_C4=(10.77.1.11 10.77.1.12 10.77.1.13 10.77.1.14 10.77.1.15 10.77.1.16)
EXTRA_C6=(fd00:77::11 fd00:77::12)

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'record.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, tcpdump)"
command -v "$PY" >/dev/null || die "python3 not found"
command -v tcpdump >/dev/null || die "tcpdump not found"
command -v ip >/dev/null || die "ip (iproute2) not found"
if ! command -v ethtool >/dev/null; then
    say "installing ethtool"
    apt-get install -y ethtool >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y ethtool >/dev/null; }
fi

WORK=$(mktemp -d /tmp/record_demo.XXXXXX)
PIDS=()

cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    sleep 0.5
    for pid in "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for ns in $NS_C $NS_M $NS_S; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$WORK"
    [ $rc -eq 0 ] || printf 'record.sh: failed (exit %s)\n' "$rc" >&2
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

inC() { ip netns exec $NS_C "$@"; }
inM() { ip netns exec $NS_M "$@"; }
inS() { ip netns exec $NS_S "$@"; }

# Start a background process, remember its PID for cleanup, wait for "ready" on its stdout.
start_bg() { # name ns cmd...
    local name=$1 ns=$2; shift 2
    ip netns exec "$ns" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
    local i
    for i in $(seq 100); do
        grep -q ready "$WORK/$name.out" 2>/dev/null && return 0
        kill -0 "$LAST_PID" 2>/dev/null || { cat "$WORK/$name.err" >&2; die "$name exited early"; }
        sleep 0.05
    done
    die "$name not ready"
}

stop_bg() { # pid
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# ------------------------------------------------------------------ topology

setup() {
    for ns in $NS_C $NS_M $NS_S; do
        ip netns del "$ns" 2>/dev/null || true   # a previous run that was killed -9
        ip netns add "$ns"
        ip netns exec "$ns" ip link set lo up
    done
    ip link add c0 netns $NS_C address $MAC_C type veth peer name mc netns $NS_M address 02:77:00:00:00:0c
    ip link add s0 netns $NS_S address $MAC_S type veth peer name ms netns $NS_M address 02:77:00:00:00:0d

    # The middle is a wire, not a host: no addresses, no IPv6, no answers of its own.
    for dev in mc ms; do
        inM sysctl -qw net.ipv6.conf.$dev.disable_ipv6=1
        inM ethtool -K $dev tx off tso off gso off gro off >/dev/null 2>&1 || true
        inM ip link set $dev promisc on up
    done
    inC sysctl -qw net.ipv6.conf.c0.accept_dad=0 net.ipv6.conf.c0.accept_ra=0
    inS sysctl -qw net.ipv6.conf.s0.accept_dad=0 net.ipv6.conf.s0.accept_ra=0
    inC ethtool -K c0 tx off tso off gso off gro off >/dev/null 2>&1 || true
    inS ethtool -K s0 tx off tso off gso off gro off >/dev/null 2>&1 || true

    inC ip addr add $C4/24 dev c0
    inC ip addr add $C6/64 dev c0 nodad
    for a in "${EXTRA_C4[@]}"; do inC ip addr add "$a/24" dev c0; done
    for a in "${EXTRA_C6[@]}"; do inC ip addr add "$a/64" dev c0 nodad; done
    inS ip addr add $S4/24 dev s0
    inS ip addr add $S4B/24 dev s0
    inS ip addr add $S6/64 dev s0 nodad
    inC ip link set c0 up
    inS ip link set s0 up

    # Static neighbours: no ARP / neighbour discovery before the first SYN, so a capture starts
    # with the handshake and its first RTT is not inflated by address resolution.
    for a in $S4 $S4B $S6; do inC ip neigh replace "$a" lladdr $MAC_S dev c0 nud permanent; done
    for a in $C4 $C6 "${EXTRA_C4[@]}" "${EXTRA_C6[@]}"; do
        inS ip neigh replace "$a" lladdr $MAC_C dev s0 nud permanent
    done

    # An unanswered SYN is retransmitted 3 times (after 1, 2, 4 s) before connect() gives up.
    # Linux 6.x also has tcp_syn_linear_timeouts (default 4): that many extra retries 1 s apart
    # before the exponential back-off starts. 0 gives the textbook doubling.
    inC sysctl -qw net.ipv4.tcp_syn_retries=3
    if inC test -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts; then
        inC sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
    fi

    start_bg forwarder $NS_M "$PY" -u "$HERE/forwarder.py" mc ms --delay-ms "$DELAY_MS" \
        --drop-port 8081 --drop-first-synack 8082 --drop-nth-data 8083:25
    start_bg server $NS_S "$PY" -u "$HERE/demo.py" server
}

# ------------------------------------------------------------------ capture

CAP_PID=
capture_start() { # name [filter...]
    CAP_NAME=$1; shift
    rm -f "$WORK/$CAP_NAME" "$WORK/tcpdump.err"
    # --immediate-mode: without it libpcap holds packets in a kernel block for up to 1 s, and
    # stopping tcpdump sooner than that loses them.
    ip netns exec $NS_C tcpdump -i c0 --immediate-mode -U -Z root -w "$WORK/$CAP_NAME" "$@" 2>"$WORK/tcpdump.err" &
    CAP_PID=$!
    PIDS+=("$CAP_PID")
    local i
    for i in $(seq 100); do
        grep -q "listening on" "$WORK/tcpdump.err" 2>/dev/null && { sleep 0.2; return 0; }
        sleep 0.05
    done
    cat "$WORK/tcpdump.err" >&2
    die "tcpdump did not start"
}

capture_stop() {
    sleep 0.4   # let the last ACK cross the 2 x DELAY_MS path
    kill -INT "$CAP_PID"
    wait "$CAP_PID" || true
    grep -E "packets (captured|dropped by kernel)" "$WORK/tcpdump.err" >&2 || true
}

capture_keep() {
    mkdir -p "$OUT"
    mv -f "$WORK/$CAP_NAME" "$OUT/$CAP_NAME"
    chmod 644 "$OUT/$CAP_NAME"
}

# Foreground clients get a time limit, so a scenario that goes wrong cannot hang the script.
client() { inC timeout 40 "$PY" -u "$HERE/demo.py" "$@"; }

# ------------------------------------------------------------------ scenarios

rec_http() {
    say "http.pcap: HTTP/1.1 GET over IPv4"
    capture_start http.pcap tcp
    client http-get $S4 80 --src $C4
    capture_stop; capture_keep
}

rec_refused() {
    say "refused.pcap: SYN to closed port 9999"
    capture_start refused.pcap tcp
    client connect $S4 9999 --src $C4
    capture_stop; capture_keep
}

rec_no_answer() {
    say "no_answer.pcap: SYN to blackholed port 8081 (about 15 s)"
    capture_start no_answer.pcap tcp
    client connect $S4 8081 --src $C4
    capture_stop; capture_keep
}

rec_lossy() {
    say "lossy.pcap: first SYN-ACK from port 8082 is lost"
    capture_start lossy.pcap tcp
    client http-get $S4 8082 --src $C4
    capture_stop; capture_keep
}

rec_ipv6() {
    say "ipv6.pcap: HTTP/1.1 GET over IPv6"
    capture_start ipv6.pcap ip6 and tcp
    client http-get $S6 80 --src $C6
    capture_stop; capture_keep
}

rec_reset() {
    say "reset.pcap: server aborts mid-reply (SO_LINGER 0)"
    capture_start reset.pcap tcp
    client reset-client $S4 7000 --src $C4
    capture_stop; capture_keep
}

rec_simultaneous() {
    local try start pa pb syns
    for try in 1 2 3 4 5; do
        say "simultaneous.pcap: both ends connect() at once (try $try)"
        capture_start simultaneous.pcap tcp port 40001
        start=$("$PY" -c 'import time; print(f"{time.time() + 0.5:.6f}")')
        inS "$PY" -u "$HERE/demo.py" simopen --local $S4 --lport 40002 --peer $C4 --pport 40001 \
            --start "$start" >"$WORK/simB.out" 2>"$WORK/simB.err" &
        pb=$!; PIDS+=("$pb")
        inC "$PY" -u "$HERE/demo.py" simopen --local $C4 --lport 40001 --peer $S4 --pport 40002 \
            --start "$start" --close-first >"$WORK/simA.out" 2>"$WORK/simA.err" &
        pa=$!; PIDS+=("$pa")
        wait "$pa" || true
        wait "$pb" || true
        cat "$WORK/simA.err" "$WORK/simB.err" >&2
        capture_stop
        # A true simultaneous open: both first tries connected, so two bare SYNs and no RST.
        if grep -qx attempts=1 "$WORK/simA.out" && grep -qx attempts=1 "$WORK/simB.out"; then
            capture_keep
            return 0
        fi
        sleep 1
    done
    die "no simultaneous open after 5 tries"
}

rec_busy() {
    say "busy.pcap: 39 flows with mixed outcomes"
    capture_start busy.pcap tcp
    client busy --seed 77
    capture_stop; capture_keep
}

rec_slow_start() {
    say "slow_start.pcap: a 30000-byte upload in 536-byte segments; the relay drops the 25th"
    capture_start slow_start.pcap tcp
    client upload $S4 8083 --src $C4 --size 30000 --mss 536
    capture_stop; capture_keep
}

rec_window_full() {
    say "window_full.pcap: a reader with a 4 KB receive buffer that sleeps 3.5 s"
    capture_start window_full.pcap tcp
    client slow-reader $S4 8084 --src $C4 --rcvbuf 4096 --sleep 3.5
    capture_stop; capture_keep
}

rec_close_simultaneous() {
    say "close_simultaneous.pcap: both ends shut down at the same instant"
    capture_start close_simultaneous.pcap tcp
    client close-together $S4 8086 --src $C4 --after 0.5
    capture_stop; capture_keep
}

rec_port_scan() {
    say "port_scan.pcap: a SYN scan of ports 22, 80, 443, 8081 (8081 is blackholed)"
    capture_start port_scan.pcap tcp
    client synscan $S4 22 80 443 8081 --src $C4 --sport 45678 --wait 1.0
    capture_stop; capture_keep
}

setup
# One after another: captures on the same interface must not mix.
for name in "${WANT[@]}"; do
    "rec_$name"
done

say "relay log (dropped frames)"
cat "$WORK/forwarder.err" >&2
say "done: $OUT"
for f in "${WANT[@]}"; do
    printf '%-18s %6s bytes %4s packets\n' "$f.pcap" "$(stat -c %s "$OUT/$f.pcap")" \
        "$(tcpdump -nr "$OUT/$f.pcap" 2>/dev/null | wc -l)" >&2
done

#!/usr/bin/env bash
# live_vs_tcpdump.sh [PCAP] [SECONDS] [PPS] [SYNACK ARGS...] — synack dump -i beside tcpdump.
# Two network namespaces joined by a veth pair (svA/svB); benches/live_gen.py replays the
# frames of PCAP (default /tmp/big.pcap) out of svA at PPS packets/s (0: as fast as Python
# goes) for SECONDS; tcpdump (-w /dev/null, its defaults) and `synack dump -i svB` (text to
# /dev/null, its defaults plus SYNACK ARGS) capture on svB at the same time, then both get
# SIGINT and their own counters are printed side by side. Uses target/release/synack (built if
# missing; SYNACK=path overrides). Root only; started processes are stopped by PID and the
# namespaces deleted on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PCAP=${1:-/tmp/big.pcap}
SECS=${2:-5}
PPS=${3:-0}
shift $(( $# < 3 ? $# : 3 ))
NS_A=svA; NS_B=svB
[[ $EUID -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
[[ -f $PCAP ]] || { echo "no $PCAP" >&2; exit 1; }
SYNACK=${SYNACK:-$ROOT/target/release/synack}
[[ -x $SYNACK ]] || (cd "$ROOT" && cargo build --release --quiet --bin synack)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$NS_A" 2>/dev/null || true
  ip netns del "$NS_B" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add "$NS_A"; ip netns add "$NS_B"
ip link add svA netns "$NS_A" type veth peer name svB netns "$NS_B"
ip -n "$NS_A" link set svA up; ip -n "$NS_B" link set svB up

T_ERR=$(mktemp); S_ERR=$(mktemp)
ip netns exec "$NS_B" tcpdump -i svB -n -w /dev/null 2>"$T_ERR" &
PIDS+=($!); TCPDUMP=$!
ip netns exec "$NS_B" "$SYNACK" dump -i svB "$@" >/dev/null 2>"$S_ERR" &
PIDS+=($!); DUMP=$!
sleep 2   # both armed
ip netns exec "$NS_A" python3 "$ROOT/benches/live_gen.py" svA "$PCAP" "$SECS" "$PPS"
sleep 2   # both drain
kill -INT "$TCPDUMP" "$DUMP"
wait "$TCPDUMP" || true
wait "$DUMP" || true
echo "== tcpdump";  grep -E "packets? (captured|received|dropped)" "$T_ERR"
echo "== synack dump -i $*"; grep -E "packets? (captured|received|dropped)" "$S_ERR"
rm -f "$T_ERR" "$S_ERR"

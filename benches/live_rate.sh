#!/usr/bin/env bash
# live_rate.sh [PCAP] [SECONDS] [PPS] — live capture at rate through the viewer's path.
# Creates two network namespaces joined by a veth pair (slA/slB), replays the frames of PCAP
# (default /tmp/big.pcap) out of one end with benches/live_gen.py (as fast as Python's
# AF_PACKET send goes, or at PPS packets/s), and captures on the other end with
# `bench-load --live` (the dev-only benches/bench_load.rs), which runs the capture thread, the app and the drawing code
# headless with a scripted user pressing ↓ every 50 ms. Prints what the generator sent and what
# synack received, dropped itself (channel full) and what the kernel dropped. Root only;
# everything it starts is stopped by PID and the namespaces are deleted on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PCAP=${1:-/tmp/big.pcap}
SECONDS_=${2:-10}
PPS=${3:-0}
NS_A=slA; NS_B=slB
[[ $EUID -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
[[ -f $PCAP ]] || { echo "no $PCAP" >&2; exit 1; }
(cd "$ROOT" && cargo build --release --quiet --example bench-load)
BENCH_LOAD=$ROOT/target/release/examples/bench-load
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$NS_A" 2>/dev/null || true
  ip netns del "$NS_B" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add "$NS_A"; ip netns add "$NS_B"
ip link add vA netns "$NS_A" type veth peer name vB netns "$NS_B"
ip -n "$NS_A" link set vA up; ip -n "$NS_B" link set vB up
ip -n "$NS_A" link set lo up; ip -n "$NS_B" link set lo up

OUT=$(mktemp)
ip netns exec "$NS_B" "$BENCH_LOAD" --live vB --seconds "$((SECONDS_ + 2))" --snaplen 128 >"$OUT" &
PIDS+=($!); CAP=$!
sleep 1   # the capture is armed
ip netns exec "$NS_A" python3 "$ROOT/benches/live_gen.py" vA "$PCAP" "$SECONDS_" "$PPS"
wait "$CAP"
cat "$OUT"; rm -f "$OUT"

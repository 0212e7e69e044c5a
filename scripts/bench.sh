#!/usr/bin/env bash
# bench.sh [BIG.pcap] — times synack beside tcpdump and tshark on the same capture and prints a
# Markdown table (wall time, peak RSS, ratios against the issue's targets).
#
# Without an argument it uses /tmp/big.pcap, recording it first with
# ../shared/bench/make_bigcapture.sh (root, ~1 minute) when it does not exist.
# Needs: GNU time (/usr/bin/time), tcpdump, tshark (apt-get install -y time tcpdump tshark).
# Each command runs once after a warm-up read so the file is in the page cache.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIG=${1:-/tmp/big.pcap}
SKIP_TSHARK=${SKIP_TSHARK:-0}

if [[ ! -f $BIG ]]; then
  MAKER=$ROOT/../shared/bench/make_bigcapture.sh
  [[ -x $MAKER || -f $MAKER ]] || { echo "no $BIG and no $MAKER to record it" >&2; exit 1; }
  bash "$MAKER" "$BIG"
fi
for tool in /usr/bin/time tcpdump; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y time tcpdump tshark" >&2; exit 1; }
done
(cd "$ROOT" && cargo build --release --quiet)
SYNACK=$ROOT/target/release/synack
cat "$BIG" >/dev/null   # warm the page cache

PKTS=$(tcpdump -r "$BIG" -w /dev/null 2>&1 | grep -oE '[0-9]+ packets' | head -1 || true)
SIZE=$(stat -c %s "$BIG")
declare -A WALL RSS
measure() { # name, command...
  local name=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { echo "$name failed:" >&2; tail -5 "$log" >&2; }
  WALL[$name]=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  RSS[$name]=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  rm -f "$log"
  printf '%-28s %8.2f s %8s MiB\n' "$name" "${WALL[$name]}" "${RSS[$name]}" >&2
}

measure tcpdump_bare tcpdump -r "$BIG" -w /dev/null
measure tcpdump_text tcpdump -nn -r "$BIG"
measure synack_dump_text "$SYNACK" dump "$BIG" --format text
measure synack_flows_json "$SYNACK" flows "$BIG" --format json
measure synack_index "$SYNACK" bench-load "$BIG"
if [[ $SKIP_TSHARK != 1 ]] && command -v tshark >/dev/null; then
  measure tshark_conv tshark -n -q -r "$BIG" -z conv,tcp
  measure tshark_text tshark -n -r "$BIG"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
{
  echo "File: $BIG, $SIZE bytes, $PKTS; $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d)"
  echo
  echo "| command | wall (s) | peak RSS (MiB) |"
  echo "|---|---|---|"
  for k in tcpdump_bare tcpdump_text tshark_text tshark_conv synack_dump_text synack_flows_json synack_index; do
    [[ -n ${WALL[$k]:-} ]] && echo "| $k | ${WALL[$k]} | ${RSS[$k]} |"
  done
  echo
  echo "| target | measured |"
  echo "|---|---|"
  [[ -n ${WALL[tshark_conv]:-} ]] && echo "| flows ≥ 25× faster than tshark conv | $(ratio "${WALL[tshark_conv]}" "${WALL[synack_flows_json]}")× |"
  echo "| flows within 5× of bare libpcap read | $(ratio "${WALL[synack_flows_json]}" "${WALL[tcpdump_bare]}")× |"
  echo "| dump text ≥ 3× faster than tcpdump | $(ratio "${WALL[tcpdump_text]}" "${WALL[synack_dump_text]}")× |"
}

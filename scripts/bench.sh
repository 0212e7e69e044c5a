#!/usr/bin/env bash
# bench.sh [BIG.pcap] — times synack beside tcpdump and tshark on the same capture and prints a
# Markdown table (wall time, peak RSS, ratios against the issue's targets).
#
# Without an argument it uses /tmp/big.pcap, recording it first with
# ../shared/bench/make_bigcapture.sh (root, ~1 minute) when it does not exist.
# Needs: GNU time (/usr/bin/time), tcpdump, tshark (apt-get install -y time tcpdump tshark).
# Each command runs once after a warm-up read so the file is in the page cache; set RUNS=3 to
# keep the best of three. SKIP_TSHARK=1 skips tshark (~50 s).
# The interactive viewer is measured headless by the dev-only `bench-load` (benches/bench_load.rs:
# the same capture thread, app and drawing code, into a 120x40 TestBackend, with a scripted user
# pressing ↓ every 50 ms).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIG=${1:-/tmp/big.pcap}
SKIP_TSHARK=${SKIP_TSHARK:-0}
RUNS=${RUNS:-1}

if [[ ! -f $BIG ]]; then
  MAKER=$ROOT/../shared/bench/make_bigcapture.sh
  [[ -x $MAKER || -f $MAKER ]] || { echo "no $BIG and no $MAKER to record it" >&2; exit 1; }
  bash "$MAKER" "$BIG"
fi
for tool in /usr/bin/time tcpdump; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y time tcpdump tshark" >&2; exit 1; }
done
(cd "$ROOT" && cargo build --release --quiet --bin synack --example bench-load)
SYNACK=$ROOT/target/release/synack
cat "$BIG" >/dev/null   # warm the page cache

SIZE=$(stat -c %s "$BIG")
declare -A WALL RSS
LOAD_REPORT=$(mktemp)
trap 'rm -f "$LOAD_REPORT"' EXIT

measure() { # name, command...   (keeps the best wall time of $RUNS runs, and its RSS)
  local name=$1; shift
  local log; log=$(mktemp)
  local run w r
  for ((run = 0; run < RUNS; run++)); do
    if [[ $name == synack_tui_load ]]; then
      /usr/bin/time -v "$@" >"$LOAD_REPORT.tmp" 2>"$log" || { echo "$name failed:" >&2; tail -5 "$log" >&2; }
    else
      /usr/bin/time -v "$@" >/dev/null 2>"$log" || { echo "$name failed:" >&2; tail -5 "$log" >&2; }
    fi
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    r=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
    if [[ -z ${WALL[$name]:-} ]] || awk -v a="$w" -v b="${WALL[$name]}" 'BEGIN { exit !(a < b) }'; then
      WALL[$name]=$w; RSS[$name]=$r
      [[ $name == synack_tui_load ]] && mv "$LOAD_REPORT.tmp" "$LOAD_REPORT"
    fi
  done
  rm -f "$log" "$LOAD_REPORT.tmp"
  printf '%-28s %8.2f s %8s MiB\n' "$name" "${WALL[$name]}" "${RSS[$name]}" >&2
}

measure tcpdump_bare tcpdump -r "$BIG" -w /dev/null
measure tcpdump_text tcpdump -nn -r "$BIG"
measure synack_dump_text "$SYNACK" dump "$BIG" --format text
measure synack_flows_json "$SYNACK" flows "$BIG" --format json
# Display filter (issue 8): the connection attempts. The viewer applies it once loaded (`/`).
SYN_FILTER='tcp.flags.syn == 1 && tcp.flags.ack == 0'
measure synack_tui_load "$ROOT/target/release/examples/bench-load" "$BIG" --frames 300 --filter "$SYN_FILTER"
measure synack_dump_filter "$SYNACK" dump "$BIG" -Y "$SYN_FILTER"
if [[ $SKIP_TSHARK != 1 ]] && command -v tshark >/dev/null; then
  measure tshark_conv tshark -n -q -r "$BIG" -z conv,tcp
  measure tshark_text tshark -n -r "$BIG"
  measure tshark_filter tshark -n -r "$BIG" -Y "$SYN_FILTER"
fi

PKTS=$(awk '$1 == "packets" { print $2 }' "$LOAD_REPORT")
PKTS=${PKTS:-0}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
load() { awk -v k="$1" '$1 == k { print $2 }' "$LOAD_REPORT"; }
per_packet() { awk -v m="$1" -v s="$SIZE" -v n="$PKTS" 'BEGIN { if (n > 0) printf "%.0f", (m * 1048576 - s) / n; else print "n/a" }'; }
mark() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print (ok ? "met" : "NOT met") }'; }
{
  echo "File: $(basename "$BIG"), $SIZE bytes, $PKTS packets; $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), Linux $(uname -r), $(date -u +%Y-%m-%d)"
  echo
  echo "| command | wall (s) | peak RSS (MiB) |"
  echo "|---|---|---|"
  for k in tcpdump_bare tcpdump_text tshark_text tshark_conv tshark_filter synack_dump_text synack_flows_json synack_dump_filter synack_tui_load; do
    [[ -n ${WALL[$k]:-} ]] && echo "| $k | ${WALL[$k]} | ${RSS[$k]} |"
  done
  echo
  echo "Viewer (bench-load, 120x40):"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  for k in load_s first_screen_s loading_key_avg_ms loading_key_max_ms loading_draw_max_ms frame_avg_ms frame_max_ms rss_peak_mib index_mib copied_mib bytes_per_packet_beyond_file filter_s filter_shown filter_keys filter_key_avg_ms filter_key_max_ms filter_result_bytes_per_packet; do
    echo "| $k | $(load $k) |"
  done
  echo
  echo "| target | measured | |"
  echo "|---|---|---|"
  if [[ -n ${WALL[tshark_conv]:-} ]]; then
    r=$(ratio "${WALL[tshark_conv]}" "${WALL[synack_flows_json]}")
    echo "| flows ≥ 25× faster than tshark -z conv,tcp | ${r}× | $(mark "$r" ">=" 25) |"
  fi
  if [[ -n ${WALL[tshark_filter]:-} ]]; then
    r=$(ratio "${WALL[tshark_filter]}" "${WALL[synack_dump_filter]}")
    echo "| dump -Y '$SYN_FILTER' ≥ 25× faster than tshark -Y | ${r}× | $(mark "$r" ">=" 25) |"
  fi
  r=$(ratio "${WALL[synack_flows_json]}" "${WALL[tcpdump_bare]}")
  echo "| flows within 5× of libpcap's bare read | ${r}× | $(mark "$r" "<=" 5) |"
  r=$(ratio "${WALL[tcpdump_text]}" "${WALL[synack_dump_text]}")
  echo "| dump text ≥ 3× faster than tcpdump -nn | ${r}× | $(mark "$r" ">=" 3) |"
  v=$(load first_screen_s); echo "| viewer: first screen < 0.2 s | ${v} s | $(mark "$v" "<=" 0.2) |"
  v=$(load load_s); echo "| viewer: whole file indexed < 2 s | ${v} s | $(mark "$v" "<=" 2) |"
  v=$(load loading_key_max_ms); echo "| viewer: keys within 16 ms while loading (max) | ${v} ms | $(mark "$v" "<=" 16) |"
  v=$(load frame_max_ms); echo "| viewer: keys within 16 ms after loading (max key+draw) | ${v} ms | $(mark "$v" "<=" 16) |"
  v=$(load filter_s); echo "| viewer: filter applied to the loaded file ≤ 1.5 s | ${v} s | $(mark "$v" "<=" 1.5) |"
  v=$(load filter_key_max_ms); echo "| viewer: keys within 16 ms while filtering (max) | ${v} ms | $(mark "$v" "<=" 16) |"
  v=$(load filter_result_bytes_per_packet); echo "| viewer: filter result ≤ 4 B/packet | ${v} B | $(mark "$v" "<=" 4) |"
  v=$(load bytes_per_packet_beyond_file); echo "| viewer: ≤ 100 B/packet beyond the file | ${v} B | $(mark "$v" "<=" 100) |"
  [[ -n ${RSS[tshark_text]:-} ]] && echo "| (tshark -n -r, for comparison) | $(per_packet "${RSS[tshark_text]}") B/packet | |"
}

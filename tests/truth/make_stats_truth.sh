#!/usr/bin/env bash
# Regenerates tests/truth/stats/*.txt: tshark's `-z io,phs` (protocol hierarchy) and
# `-z conv,ip` (IPv4 conversations) for every capture of ../shared/corpus/tcpdump,
# ../shared/corpus/public and assets/demo. Read by tests/stats_conformance.rs.
# Needs tshark 4.0 (made with Debian's 4.0.17).
# Usage: make_stats_truth.sh [demo|tcpdump|public ...]   (JOBS=N tshark runs at once)
#
# Format (one section per capture tshark read):
#   @ NAME
#   P eth:28:2318 >arp:2:102 >ip:26:2216 >>tcp:9:1020 ...
#       the io,phs tree in order, one node per word: '>' per level of depth, then
#       protocol:frames:bytes
#   C A B FRAMES_AB BYTES_AB FRAMES_BA BYTES_BA REL_START DURATION
#       one conv,ip row; A->B is tshark's "->" columns, B->A its "<-" columns. Bytes are as
#       tshark 4.0 prints them: exact below 10,000, else truncated with an SI prefix (982k, 12M)
set -u
cd "$(dirname "$0")/../.."
corpus=../shared/corpus
out=tests/truth/stats
mkdir -p "$out"

one() { # $1 = capture path; prints its section
  local text rc tries=0
  while :; do
    text=$(tshark -n -q -r "$1" -z io,phs -z conv,ip 2>/dev/null)
    rc=$?; tries=$((tries + 1))
    { [ $rc -eq 0 ] || [ $rc -eq 2 ] || [ $tries -ge 3 ]; } && break
  done
  if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then echo "tshark failed ($rc) on $1" >&2; return; fi
  echo "@ $(basename "$1")"
  printf '%s\n' "$text" | awk '
    # tshark 4.0 prints bytes with SI units from 10 kB on ("982 kB" = 982,000..982,999 bytes)
    function sz(n, u) { return u == "bytes" ? n : n substr(u, 1, 1) }
    /^IPv4 Conversations/ { mode = "conv"; next }
    /^Protocol Hierarchy Statistics/ { mode = "phs"; next }
    /^=+$/ { if (mode == "conv" && seen) mode = ""; else if (mode == "conv") seen = 1; next }
    mode == "conv" && $2 == "<->" {
      # A <-> B  baF baB bytes  abF abB bytes  totF totB bytes  start  dur
      printf "C %s %s %s %s %s %s %s %s\n", $1, $3, $7, sz($8, $9), $4, sz($5, $6), $13, $14
      next
    }
    mode == "phs" && /frames:/ {
      match($0, /^ */); d = RLENGTH / 2
      f = $2; sub("frames:", "", f); b = $3; sub("bytes:", "", b)
      p = ""; for (i = 0; i < d; i++) p = p ">"
      line = line (line == "" ? "" : " ") p $1 ":" f ":" b
    }
    END { if (line != "") print "P " line }'
}
export -f one

gen() { # $1 = output name, rest = captures; runs $JOBS tshark at once, keeps input order
  local name=$1; shift
  local tmp; tmp=$(mktemp -d)
  local i=0
  for f in "$@"; do [ -f "$f" ] && printf '%s\0%s\0' "$(printf '%06d' $i)" "$f"; i=$((i + 1)); done |
    xargs -0 -n 2 -P "${JOBS:-2}" bash -c 'one "$2" > "'"$tmp"'/$1"' _
  {
    echo "# tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}') io,phs + conv,ip truth; see make_stats_truth.sh"
    cat "$tmp"/* 2>/dev/null
  } > "$out/$name.txt"
  rm -rf "$tmp"
}

sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(demo tcpdump public)
for s in "${sets[@]}"; do
  case $s in
    demo) gen demo assets/demo/*.pcap ;;
    tcpdump) gen tcpdump "$corpus"/tcpdump/*.pcap "$corpus"/tcpdump/*.pcapng ;;
    public) mapfile -t files < <(ls "$corpus"/public/* | grep -v '\.tsv$'); gen public "${files[@]}" ;;
  esac
done
wc -c "$out"/*.txt

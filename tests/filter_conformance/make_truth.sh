#!/usr/bin/env bash
# Regenerates truth.txt: what `tshark -Y FILTER` (Debian's 4.0.17) matches for every filter
# in filters.txt on every capture in files.txt (paths relative to the project root).
# tshark runs once per file with one Lua tap per filter (taps.lua): a tap's filter is a
# display filter on the same dissection as -Y, and 96 separate runs per file would take hours.
# `--check N` afterwards runs plain `tshark -Y` on N random (filter, file) pairs and compares
# them with truth.txt, to show the taps agree with -Y.
# truth.txt: "= FILE" then "INDEX FRAMES" per filter with matches (0-based index into
# filters.txt, frames as ranges "1-5,9"); filters with no match are left out.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
export FILTERS_FILE="$here/filters.txt"
if [ "${1:-}" = "--check" ]; then
  n="${2:-20}"; bad=0
  mapfile -t files < "$here/files.txt"; mapfile -t filters < "$here/filters.txt"
  for _ in $(seq "$n"); do
    fi=$((RANDOM % ${#files[@]})); xi=$((RANDOM % ${#filters[@]}))
    f="${files[$fi]}"; x="${filters[$xi]}"
    got=$(tshark -n -r "$f" -Y "$x" -T fields -e frame.number 2>/dev/null | paste -sd' ')
    want=$(awk -v f="$f" -v i="$xi" '$1=="=" {cur=$2; next} cur==f && $1==i {print $2}' "$here/truth.txt" |
      tr ',' '\n' | awk -F- 'NF==2 {for (k=$1;k<=$2;k++) printf "%d ", k; next} NF {printf "%s ", $1}' | sed 's/ $//')
    if [ "$got" != "$want" ]; then echo "DIFFER: $f [$x]: -Y gives '$got', taps '$want'"; bad=$((bad+1)); fi
  done
  echo "$((n-bad))/$n spot checks agree"; exit $((bad > 0))
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
one() {
  local i="$1" f="$2"
  OUT_FILE="$tmp/$i.out" tshark -n -q -r "$f" -X lua_script:"$here/taps.lua" >/dev/null 2>&1
  { echo "= $f"; cat "$tmp/$i.out" 2>/dev/null || echo "# tshark could not read it"; } > "$tmp/$i.txt"
}
export -f one; export tmp here
nl -v0 -ba "$here/files.txt" | xargs -P "${JOBS:-2}" -L1 bash -c 'one "$0" "$1"'
{
  echo "# tshark -Y truth for filters.txt x files.txt, made by make_truth.sh with $(tshark -v | head -1)"
  for i in $(seq 0 $(($(wc -l < "$here/files.txt") - 1))); do cat "$tmp/$i.txt"; done
} > "$here/truth.txt"
grep -c '^=' "$here/truth.txt"

#!/usr/bin/env bash
# make_no_defrag.sh — tshark's transport fields WITHOUT IP reassembly, for the corpus captures
# that hold IP fragments (tests/common: the IP-fragment rule compares synack with these, since
# synack decodes each packet on its own and tshark's default truth reassembles).
#
# Run from the repository root with tshark 4.0 installed: bash tests/truth/make_no_defrag.sh
# Writes tests/truth/no_defrag/<capture>.tsv: frame number and the transport fields the
# conformance tests compare, one row per packet that is an IP fragment (MF set or offset > 0,
# or an IPv6 fragment header). Which captures: those named in FILES below (the ones where the
# fragment rule applies; a new one makes the tests fail until it is added here).
set -euo pipefail
CORPUS=${CORPUS:-../shared/corpus/tcpdump}
FILES=(afs.pcap)
OUT=tests/truth/no_defrag
mkdir -p "$OUT"
for f in "${FILES[@]}"; do
  tshark -n -r "$CORPUS/$f" \
    -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
    -Y 'ip.flags.mf == 1 || ip.frag_offset > 0 || ipv6.fragment' \
    -T fields -E header=y -E separator=/t -E occurrence=f \
    -e frame.number -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport \
    -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e tcp.window_size_value \
    > "$OUT/$f.tsv" 2>/dev/null
done
tshark --version 2>/dev/null | head -1 | sed "s/Running as.*//" > "$OUT/TSHARK_VERSION"

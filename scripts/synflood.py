#!/usr/bin/env python3
"""A SYN flood for the flow-state memory measurement (docs/performance.md): N SYNs (default
1,000,000), each a new connection (new source address and port), Ethernet/IPv4/TCP, pcap
(TCP checksums left 0: the flow tracker does not read them).
usage: scripts/synflood.py OUT.pcap [N]"""
import struct, sys
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
eth = bytes.fromhex("020000000001020000000002") + b"\x08\x00"
opts = bytes.fromhex("020405b4") + bytes.fromhex("0402") + bytes.fromhex("080a0000000100000000") + bytes.fromhex("01030307")
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
buf = []
for i in range(n):
    src = 0x0a000000 | (i >> 8)
    sport = 1024 + (i & 0xff)
    tcp = struct.pack("!HHIIBBHHH", sport, 80, (i * 2654435761) & 0xffffffff, 0, (5 + len(opts) // 4) << 4, 0x02, 64240, 0, 0) + opts
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xffff, 0x4000, 64, 6, 0, struct.pack("!I", src), bytes([192, 0, 2, 1]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = eth + ip + tcp
    ts = 1_700_000_000 * 1_000_000 + i * 10
    buf.append(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), len(frame)) + frame)
    if len(buf) >= 10000:
        out.write(b"".join(buf)); buf = []
out.write(b"".join(buf))

#!/usr/bin/env python3
"""Seeds for the `packet` target: every frame of the pcap and pcapng files in SRC, written to DST
as one byte (the link type's index in fuzz/pipeline.rs's LINKS) followed by the frame. Frames of
link types synack does not decode are skipped, duplicates written once.

usage: frames.py SRC DST"""
import hashlib
import os
import struct
import sys

# The order of LINKS in fuzz/pipeline.rs.
LINKS = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147, 0xFFFF,
         9, 50, 104, 10, 105, 119, 127, 163, 192, 204, 239, 253]
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
seen = set()


def out(link, data):
    if link not in LINKS or not data:
        return
    b = bytes([LINKS.index(link)]) + data
    h = hashlib.sha1(b).hexdigest()[:16]
    if h not in seen:
        seen.add(h)
        with open(os.path.join(dst, h), "wb") as f:
            f.write(b)


def pcapng(d, e):
    pos, links = 0, []
    while pos + 12 <= len(d):
        t, bl = struct.unpack(e + "II", d[pos : pos + 8])
        if bl < 12 or pos + bl > len(d):
            return
        if t == 1:
            links.append(struct.unpack(e + "H", d[pos + 8 : pos + 10])[0])
        elif t == 6 and bl >= 32:
            iface, _, _, cl = struct.unpack(e + "IIII", d[pos + 8 : pos + 24])
            if iface < len(links):
                out(links[iface], d[pos + 28 : pos + 28 + cl])
        pos += bl


def pcap(d, e):
    link = struct.unpack(e + "I", d[20:24])[0] & 0xFFFF
    pos = 24
    while pos + 16 <= len(d):
        cl = struct.unpack(e + "I", d[pos + 8 : pos + 12])[0]
        out(link, d[pos + 16 : pos + 16 + cl])
        pos += 16 + cl


for name in sorted(os.listdir(src)):
    with open(os.path.join(src, name), "rb") as f:
        d = f.read()
    if len(d) < 24:
        continue
    m = d[:4]
    if m in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        pcap(d, "<")
    elif m in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        pcap(d, ">")
    elif m == b"\x0a\x0d\x0d\x0a":
        pcapng(d, "<" if d[8:12] == b"\x4d\x3c\x2b\x1a" else ">")
print(f"{len(seen)} frames")

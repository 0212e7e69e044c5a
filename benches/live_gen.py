#!/usr/bin/env python3
"""live_gen.py IFACE PCAP SECONDS [PPS] — sends the frames of PCAP (a legacy pcap, first 200k
records, cycled) out of IFACE through an AF_PACKET socket as fast as it can, or at about PPS
packets per second, for SECONDS; prints `sent N` and the rate. Used by benches/live_rate.sh."""
import socket
import struct
import sys
import time


def frames(path, limit=200_000):
    out = []
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        while len(out) < limit:
            rec = f.read(16)
            if len(rec) < 16:
                break
            _, _, caplen, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(caplen)
            if len(data) < caplen:
                break
            if len(data) >= 14:
                out.append(data)
    return out


def main():
    iface, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    pps = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    pkts = frames(path)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    send = s.send
    n = len(pkts)
    sent = 0
    start = time.perf_counter()
    end = start + seconds
    i = 0
    while True:
        # Check the clock every 256 packets; pace by sleeping when ahead of PPS.
        for _ in range(256):
            try:
                send(pkts[i])
                sent += 1
            except OSError:
                pass  # a full device queue: the packet is not sent, not counted
            i += 1
            if i == n:
                i = 0
        now = time.perf_counter()
        if now >= end:
            break
        if pps > 0:
            ahead = sent / pps - (now - start)
            if ahead > 0:
                time.sleep(ahead)
    took = time.perf_counter() - start
    print(f"sent {sent}")
    print(f"sent_per_s {sent / took:.0f}")


if __name__ == "__main__":
    main()

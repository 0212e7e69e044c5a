#!/usr/bin/env python3
"""Layer-2 relay with delay and deterministic loss, for recording synack's demo captures.

Runs inside the middle network namespace. It opens one raw AF_PACKET socket on each of two
interfaces and copies every frame received on one to the other, after a fixed one-way delay.
This stands in for `tc netem`, which this machine's kernel lacks. Everything is relayed
(ARP, IPv6 neighbour discovery, TCP ...), so the two ends behave as if on one Ethernet segment.

Loss is deterministic, never random, so a re-recording shows the same story:
  --drop-port P            drop every TCP segment from or to port P (an unreachable service)
  --drop-first-syn P       drop the first SYN (no ACK) of each connection to port P
  --drop-first-synack P    drop the first SYN-ACK of each connection from port P
  --drop-nth-data P:N      drop the N-th data segment (counted by new sequence numbers) of
                           each connection to port P, once: its retransmission passes

Standard library only. Prints "ready" on stdout once both sockets are bound; logs each
dropped frame on stderr. SIGTERM or SIGINT ends it.
"""

import argparse
import heapq
import itertools
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def tcp_info(frame):
    """Return (src_ip, src_port, dst_ip, dst_port, flags, seq, payload_len) for an
    Ethernet/IP/TCP frame, else None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    off = 14
    if ethertype == 0x0800:
        if len(frame) < off + 20:
            return None
        ihl = (frame[off] & 0x0F) * 4
        if frame[off + 9] != 6:
            return None
        ip_end = off + struct.unpack_from("!H", frame, off + 2)[0]
        src, dst = frame[off + 12:off + 16], frame[off + 16:off + 20]
        off += ihl
    elif ethertype == 0x86DD:
        if len(frame) < off + 40 or frame[off + 6] != 6:  # no extension headers expected here
            return None
        ip_end = off + 40 + struct.unpack_from("!H", frame, off + 4)[0]
        src, dst = frame[off + 8:off + 24], frame[off + 24:off + 40]
        off += 40
    else:
        return None
    if len(frame) < off + 14:
        return None
    sport, dport, seq = struct.unpack_from("!HHI", frame, off)
    flags = frame[off + 13]
    payload = max(0, min(ip_end, len(frame)) - off - (frame[off + 12] >> 4) * 4)
    return bytes(src), sport, bytes(dst), dport, flags, seq, payload


class Rules:
    def __init__(self, args):
        self.drop_ports = set(args.drop_port)
        self.first_syn = set(args.drop_first_syn)
        self.first_synack = set(args.drop_first_synack)
        self.seen_syn = set()
        self.seen_synack = set()
        self.nth_data = {}
        for spec in args.drop_nth_data:
            port, n = spec.split(":")
            self.nth_data[int(port)] = int(n)
        self.data_seqs = {}  # connection -> sequence numbers of data segments seen
        self.dropped_data = set()  # connections whose N-th data segment was dropped

    def drop(self, frame):
        info = tcp_info(frame)
        if info is None:
            return None
        src, sport, dst, dport, flags, seq, payload = info
        syn, ack = bool(flags & 0x02), bool(flags & 0x10)
        if sport in self.drop_ports or dport in self.drop_ports:
            return f"port {sport}->{dport} is blackholed"
        if syn and not ack and dport in self.first_syn:
            key = (src, sport, dst, dport)
            if key not in self.seen_syn:
                self.seen_syn.add(key)
                return f"first SYN {sport}->{dport}"
        if syn and ack and sport in self.first_synack:
            key = (dst, dport, src, sport)
            if key not in self.seen_synack:
                self.seen_synack.add(key)
                return f"first SYN-ACK {sport}->{dport}"
        if payload > 0 and dport in self.nth_data:
            key = (src, sport, dst, dport)
            seqs = self.data_seqs.setdefault(key, set())
            if seq not in seqs:
                seqs.add(seq)
                if len(seqs) == self.nth_data[dport] and key not in self.dropped_data:
                    self.dropped_data.add(key)
                    return f"data segment {len(seqs)} {sport}->{dport} seq {seq} len {payload}"
        return None


def open_socket(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, ETH_P_ALL))
    s.setblocking(False)
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("if_a")
    p.add_argument("if_b")
    p.add_argument("--delay-ms", type=float, default=40.0, help="one-way delay (each direction)")
    p.add_argument("--drop-port", type=int, action="append", default=[])
    p.add_argument("--drop-first-syn", type=int, action="append", default=[])
    p.add_argument("--drop-first-synack", type=int, action="append", default=[])
    p.add_argument("--drop-nth-data", action="append", default=[], metavar="PORT:N")
    args = p.parse_args()

    # SIGTERM ends the process at once (default action); make SIGINT do the same, quietly.
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    a, b = open_socket(args.if_a), open_socket(args.if_b)
    peer = {a: (b, args.if_a), b: (a, args.if_b)}
    rules = Rules(args)
    delay = args.delay_ms / 1000.0
    queue = []  # (due, seq, out_socket, frame); seq keeps FIFO order for equal due times
    seq = itertools.count()
    print("ready", flush=True)

    while True:
        timeout = None
        if queue:
            timeout = max(0.0, queue[0][0] - time.monotonic())
        readable, _, _ = select.select([a, b], [], [], timeout)
        now = time.monotonic()
        for s in readable:
            out, ifname = peer[s]
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                # Frames we transmit ourselves come back as PACKET_OUTGOING; a socket created
                # before bind() may also have seen other interfaces' frames.
                if addr[2] == PACKET_OUTGOING or addr[0] != ifname:
                    continue
                why = rules.drop(frame)
                if why:
                    print(f"{now:.3f} drop on {ifname}: {why}", file=sys.stderr, flush=True)
                    continue
                heapq.heappush(queue, (now + delay, next(seq), out, frame))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
            except OSError as e:
                print(f"send failed: {e}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()

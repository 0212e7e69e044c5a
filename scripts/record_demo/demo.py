#!/usr/bin/env python3
"""Client and server roles for recording synack's demo captures (standard library only).

Each subcommand is one actor in one scenario; scripts/record_demo/record.sh runs them inside
network namespaces while tcpdump records the client's interface.

  server              all services on the server side (see SERVICES below)
  http-get HOST PORT  one HTTP/1.1 GET, read the response to EOF, close
  connect HOST PORT   a bare connect() that reports how it ended (refused / timed out)
  reset-client HOST PORT  send a request, read until the server resets the connection
  simopen ...         one side of a TCP simultaneous open
  busy ...            many concurrent flows with mixed outcomes, from a fixed seed
  upload HOST PORT    send a bulk upload with small segments (slow_start)
  slow-reader HOST PORT   download with a tiny receive buffer and a sleeping reader (window_full)
  close-together HOST PORT  agree on an instant with the server; both shut down then (close_simultaneous)
  synscan HOST PORT...    a half-open SYN scan from a raw socket (port_scan; root)
"""

import argparse
import random
import socket
import struct
import sys
import threading
import time

# Server-side services (port: role). 8081 is blackholed by the forwarder, 9999 stays closed.
HTTP_PORTS = (80, 8082)
RESET_PORT = 7000
BLACKHOLE_PORT = 8081
SINK_PORT = 8083  # slow_start: reads an upload to EOF, answers with its size
BULK_PORT = 8084  # window_full: sends BULK_SIZE bytes to a slow reader, then closes
CLOSE_PORT = 8086  # close_simultaneous: both ends shut down at an agreed instant
BULK_SIZE = 12000

BODY = b"Hello from the synack demo server!\n"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


# --------------------------------------------------------------------------- server


def read_request(conn, end=b"\r\n\r\n"):
    data = b""
    while end not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def serve_http(conn):
    """A tiny HTTP/1.1 server: one response with Connection: close, then close (server FIN first)."""
    with conn:
        req = read_request(conn)
        first = req.split(b"\r\n", 1)[0]
        path = first.split(b" ")[1] if first.count(b" ") >= 2 else b"/"
        body = BODY if path == b"/" else b"Not found\n"
        status = b"200 OK" if path == b"/" else b"404 Not Found"
        head = (
            b"HTTP/1.1 " + status + b"\r\n"
            b"Server: synack-demo\r\n"
            b"Content-Type: text/plain\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n"
            b"Connection: close\r\n\r\n"
        )
        conn.sendall(head + body)


def serve_reset(conn):
    """Send part of a reply, then abort: SO_LINGER with timeout 0 makes close() send RST."""
    req = read_request(conn, b"\n")
    log("reset service got", req)
    for i in (1, 2):
        conn.sendall(b"part %d of 5\n" % i)
        time.sleep(0.3)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def serve_sink(conn):
    """Read an upload to EOF, then say how many bytes arrived and close."""
    with conn:
        n = 0
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            n += len(chunk)
        conn.sendall(b"got %d bytes\n" % n)


def serve_bulk(conn):
    """Send BULK_SIZE bytes of text (lines), then close: the client reads slowly."""
    with conn:
        line = b"synack demo: a slow reader fills its receive window.\n"
        data = (line * (BULK_SIZE // len(line) + 1))[:BULK_SIZE]
        conn.sendall(data)


def serve_close_together(conn):
    """Read "CLOSE AT <epoch>", confirm, then shut down at that instant (as the client does)."""
    with conn:
        req = read_request(conn, b"\n")
        at = float(req.split()[2])
        conn.sendall(b"OK\n")
        sleep_until(at)
        conn.shutdown(socket.SHUT_WR)
        while conn.recv(4096):
            pass


def sleep_until(at):
    delay = at - time.time()
    if delay > 0:
        time.sleep(delay)


def serve_idle(conn):
    with conn:
        while conn.recv(4096):
            pass


def listener(fam, addr, port, handler):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(128)

    def loop():
        while True:
            conn, _ = s.accept()
            threading.Thread(target=handler, args=(conn,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def cmd_server(args):
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        for port in HTTP_PORTS:
            listener(fam, addr, port, serve_http)
        listener(fam, addr, RESET_PORT, serve_reset)
        listener(fam, addr, BLACKHOLE_PORT, serve_idle)
        listener(fam, addr, SINK_PORT, serve_sink)
        listener(fam, addr, BULK_PORT, serve_bulk)
        listener(fam, addr, CLOSE_PORT, serve_close_together)
    print("ready", flush=True)
    threading.Event().wait()


# --------------------------------------------------------------------------- clients


def new_socket(host, src=None):
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    if src:
        s.bind((src, 0))
    return s


def http_get(host, port, src=None, path="/"):
    s = new_socket(host, src)
    with s:
        s.connect((host, port))
        hosthdr = f"[{host}]" if ":" in host else host
        req = (
            f"GET {path} HTTP/1.1\r\nHost: {hosthdr}\r\nUser-Agent: synack-demo\r\n"
            f"Accept: */*\r\nConnection: close\r\n\r\n"
        )
        s.sendall(req.encode())
        resp = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            resp += chunk
    return resp


def cmd_http_get(args):
    resp = http_get(args.host, args.port, args.src)
    log(resp.split(b"\r\n", 1)[0].decode(errors="replace"), f"({len(resp)} bytes)")


def try_connect(host, port, src=None, timeout=None):
    s = new_socket(host, src)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        return "connected"
    except ConnectionRefusedError:
        return "refused"
    except (socket.timeout, TimeoutError):
        return "timed out"
    finally:
        s.close()


def cmd_connect(args):
    t0 = time.monotonic()
    res = try_connect(args.host, args.port, args.src, args.timeout)
    log(f"connect {args.host}:{args.port}: {res} after {time.monotonic() - t0:.1f} s")


def reset_client(host, port, src=None):
    s = new_socket(host, src)
    got = b""
    with s:
        s.connect((host, port))
        s.sendall(b"SEND 5 PARTS\n")
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    return got, "closed"
                got += chunk
        except ConnectionResetError:
            return got, "reset"


def cmd_reset_client(args):
    got, how = reset_client(args.host, args.port, args.src)
    log(f"received {got!r}, then the connection was {how}")


def cmd_upload(args):
    """Upload args.size bytes with a small MSS, so slow start's growing flights stay small."""
    s = new_socket(args.host, args.src)
    with s:
        # Before connect() this clamps the MSS both ways: the SYN says it, segments obey it.
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, args.mss)
        s.connect((args.host, args.port))
        s.sendall(bytes(range(256)) * (args.size // 256) + bytes(args.size % 256))
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    log("server said", reply)


def cmd_slow_reader(args):
    """Connect with a tiny receive buffer, read nothing for a while, then read everything."""
    s = new_socket(args.host, args.src)
    with s:
        # Before connect(): the window offered in the SYN and the window scale follow it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
        s.connect((args.host, args.port))
        time.sleep(args.sleep)
        n = 0
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            n += len(chunk)
    log(f"read {n} bytes after sleeping {args.sleep} s")


def cmd_close_together(args):
    """Tell the server an instant; both ends call shutdown(SHUT_WR) then, so the FINs cross."""
    s = new_socket(args.host, args.src)
    with s:
        s.connect((args.host, args.port))
        at = time.time() + args.after
        s.sendall(f"CLOSE AT {at:.6f}\n".encode())
        read_request(s, b"\n")
        sleep_until(at)
        s.shutdown(socket.SHUT_WR)
        while s.recv(4096):
            pass
    log("closed together")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def syn_segment(src, dst, sport, dport, seq):
    """A bare SYN with an MSS option (as a port scanner sends), checksum included."""
    options = struct.pack("!BBH", 2, 4, 1460)
    offset = (20 + len(options)) // 4
    head = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, offset << 4, 0x02, 1024, 0, 0)
    seg = head + options
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(seg))
    csum = checksum(pseudo + seg)
    return seg[:16] + struct.pack("!H", csum) + seg[18:]


def cmd_synscan(args):
    """A half-open (SYN) scan: raw SYNs from one source port, then listen for what comes back.

    A SYN-ACK means open, an RST closed, silence filtered. This program never answers a SYN-ACK:
    the client's own kernel does, with RST, because no socket owns the scanner's port. Each
    unanswered probe is sent once more after args.wait seconds, as scanners do.
    """
    rng = random.Random(args.seed)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    probes = {p: rng.getrandbits(32) for p in args.ports}
    state = {}

    def send(port):
        raw.sendto(syn_segment(args.src, args.host, args.sport, port, probes[port]), (args.host, 0))

    def listen(seconds):
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            raw.settimeout(left)
            try:
                pkt, (frm, _) = raw.recvfrom(65535)
            except socket.timeout:
                return
            ihl = (pkt[0] & 0x0F) * 4
            if frm != args.host or len(pkt) < ihl + 14:
                continue
            sport, dport = struct.unpack_from("!HH", pkt, ihl)
            flags = pkt[ihl + 13]
            if dport != args.sport or sport not in probes or sport in state:
                continue
            if flags & 0x12 == 0x12:
                state[sport] = "open"
            elif flags & 0x04:
                state[sport] = "closed"

    for p in args.ports:
        send(p)
    listen(args.wait)
    for p in args.ports:
        if p not in state:
            send(p)
    listen(args.wait)
    raw.close()
    for p in args.ports:
        log(f"port {p}: {state.get(p, 'filtered')}")


def cmd_simopen(args):
    """Bind a fixed port and connect() to the peer's fixed port at an agreed wall-clock time.

    Both sides send their SYN at (almost) the same instant; with the relay's delay the two SYNs
    cross on the wire, which is a TCP simultaneous open (RFC 9293 section 3.5).
    """
    fam = family_of(args.local)
    deadline = time.time() + 10
    delay = args.start - time.time()
    if delay > 0:
        time.sleep(delay)
    attempt = 0
    while True:
        attempt += 1
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((args.local, args.lport))
        try:
            s.connect((args.peer, args.pport))
            break
        except OSError as e:
            s.close()
            log(f"attempt {attempt}: {e}")
            if time.time() > deadline:
                sys.exit(1)
            time.sleep(0.05)
    log(f"simultaneous open: connected on attempt {attempt}")
    with s:
        s.sendall(f"hello from {args.local}:{args.lport}\n".encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        log("peer said", data)
        if args.close_first:
            s.shutdown(socket.SHUT_WR)
        while s.recv(4096):
            pass
        # the other side closes after it sees our FIN
    print(f"attempts={attempt}", flush=True)


def cmd_busy(args):
    """Launch 39 flows over ~7 s from several client addresses; plan fixed by the seed."""
    rng = random.Random(args.seed)
    v4_clients = [f"10.77.1.{i}" for i in range(11, 17)]
    v6_clients = ["fd00:77::11", "fd00:77::12"]
    v4_servers = ["10.77.1.2", "10.77.1.3"]
    plan = []
    plan += [("http", 80)] * 27
    plan += [("http6", 80)] * 3
    plan += [("http", 8082)]  # the relay drops this flow's first SYN-ACK
    plan += [("refused", p) for p in (9999, 23, 9999, 3306, 8443)]
    plan += [("noanswer", BLACKHOLE_PORT)] * 2
    plan += [("reset", RESET_PORT)]
    rng.shuffle(plan)
    starts = sorted(rng.uniform(0.0, args.spread) for _ in plan)
    results = []
    lock = threading.Lock()
    t0 = time.monotonic()

    def run(kind, port, src, dst):
        try:
            if kind in ("http", "http6"):
                r = http_get(dst, port, src)
                out = r.split(b"\r\n", 1)[0].decode()
            elif kind == "refused":
                out = try_connect(dst, port, src)
            elif kind == "noanswer":
                out = try_connect(dst, port, src, timeout=args.noanswer_timeout)
            else:
                out = reset_client(dst, port, src)[1]
        except OSError as e:
            out = f"error {e}"
        with lock:
            results.append((kind, port, src, dst, out))

    threads = []
    for (kind, port), start in zip(plan, starts):
        if kind == "http6":
            src, dst = rng.choice(v6_clients), "fd00:77::2"
        else:
            src, dst = rng.choice(v4_clients), rng.choice(v4_servers)
        wait = start - (time.monotonic() - t0)
        if wait > 0:
            time.sleep(wait)
        t = threading.Thread(target=run, args=(kind, port, src, dst))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    for r in sorted(results):
        log(*r)
    log(f"{len(results)} flows in {time.monotonic() - t0:.1f} s")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("server").set_defaults(fn=cmd_server)
    for name, fn in (("http-get", cmd_http_get), ("connect", cmd_connect),
                     ("reset-client", cmd_reset_client)):
        q = sub.add_parser(name)
        q.add_argument("host")
        q.add_argument("port", type=int)
        q.add_argument("--src")
        if name == "connect":
            q.add_argument("--timeout", type=float)
        q.set_defaults(fn=fn)
    q = sub.add_parser("upload")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("--src")
    q.add_argument("--size", type=int, default=30000)
    q.add_argument("--mss", type=int, default=536)
    q.set_defaults(fn=cmd_upload)
    q = sub.add_parser("slow-reader")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("--src")
    q.add_argument("--rcvbuf", type=int, default=4096)
    q.add_argument("--sleep", type=float, default=3.5)
    q.set_defaults(fn=cmd_slow_reader)
    q = sub.add_parser("close-together")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("--src")
    q.add_argument("--after", type=float, default=0.5, help="seconds from now to shut down")
    q.set_defaults(fn=cmd_close_together)
    q = sub.add_parser("synscan")
    q.add_argument("host")
    q.add_argument("ports", type=int, nargs="+")
    q.add_argument("--src", required=True)
    q.add_argument("--sport", type=int, default=45678)
    q.add_argument("--seed", type=int, default=77)
    q.add_argument("--wait", type=float, default=1.0)
    q.set_defaults(fn=cmd_synscan)
    q = sub.add_parser("simopen")
    q.add_argument("--local", required=True)
    q.add_argument("--lport", type=int, required=True)
    q.add_argument("--peer", required=True)
    q.add_argument("--pport", type=int, required=True)
    q.add_argument("--start", type=float, required=True, help="epoch seconds to send the SYN")
    q.add_argument("--close-first", action="store_true")
    q.set_defaults(fn=cmd_simopen)
    q = sub.add_parser("busy")
    q.add_argument("--seed", type=int, default=77)
    q.add_argument("--spread", type=float, default=7.0)
    q.add_argument("--noanswer-timeout", type=float, default=3.5)
    q.set_defaults(fn=cmd_busy)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()

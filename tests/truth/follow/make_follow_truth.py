#!/usr/bin/env python3
"""Makes the follow-stream truth for tests/follow_conformance.rs, once, with tshark 4.0.

For every capture of ../shared/corpus/{tcpdump,public} and every TCP stream with payload
(tcp.len > 0 in the corpus's packets.tsv truth), runs `tshark -q -z follow,tcp,raw,N` (many
streams per tshark run) and writes one compact row per stream:

    file  stream  node0  node1  len0  sha0  gaps0  len1  sha1  gaps1

lenK / shaK: length and SHA-256 (first 16 hex digits) of the bytes tshark's follow shows for node K (node 0 sent the
first segment), with its "[N bytes missing in capture file]" placeholders left out; gapsK: how
many such placeholders it inserted. The captures themselves are never copied.

Usage: tests/truth/follow/make_follow_truth.py [CORPUS]   (default ../shared/corpus)
"""

import hashlib
import multiprocessing
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/corpus")
BATCH = 200
MISSING = re.compile(rb"^\[\d+ bytes missing in capture file\]\x00$")


def streams_with_payload(tsv):
    with open(tsv, encoding="utf-8", errors="replace") as f:
        header = f.readline().rstrip("\n").split("\t")
        try:
            si, li = header.index("tcp.stream"), header.index("tcp.len")
        except ValueError:
            return []
        found = set()
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) <= max(si, li):
                continue
            try:
                if int(cells[li] or "0") > 0:
                    found.add(int(cells[si]))
            except ValueError:
                continue
        return sorted(found)


def parse_follow(text):
    """Yields (stream, node0, node1, [chunks of node 0], [chunks of node 1])."""
    blocks = text.split("===================================================================")
    for block in blocks:
        lines = block.strip("\n").split("\n")
        m = [l for l in lines if l.startswith("Filter: tcp.stream eq ")]
        if not m:
            continue
        stream = int(m[0].split()[-1])
        node = {0: "", 1: ""}
        chunks = {0: [], 1: []}
        for l in lines:
            if l.startswith("Node 0: "):
                node[0] = l[8:]
            elif l.startswith("Node 1: "):
                node[1] = l[8:]
            elif l.startswith("Follow:") or l.startswith("Filter:") or not l.strip():
                continue
            else:
                side = 1 if l.startswith("\t") else 0
                try:
                    chunks[side].append(bytes.fromhex(l.strip()))
                except ValueError:
                    pass
        yield stream, node[0], node[1], chunks[0], chunks[1]


def summary(chunks):
    data = b"".join(c for c in chunks if not MISSING.match(c))
    gaps = sum(1 for c in chunks if MISSING.match(c))
    return len(data), hashlib.sha256(data).hexdigest()[:16], gaps


def one_file(job):
    """The truth rows of one capture."""
    sub, name = job
    rows = []
    tsv = os.path.join(CORPUS, "truth", sub, name + ".packets.tsv")
    if not os.path.exists(tsv):
        return rows
    streams = streams_with_payload(tsv)
    for i in range(0, len(streams), BATCH):
        args = ["tshark", "-n", "-r", os.path.join(CORPUS, sub, name), "-q"]
        for s in streams[i : i + BATCH]:
            args += ["-z", f"follow,tcp,raw,{s}"]
        res = subprocess.run(args, capture_output=True, text=True, errors="replace")
        for stream, n0, n1, c0, c1 in parse_follow(res.stdout):
            l0, h0, g0 = summary(c0)
            l1, h1, g1 = summary(c1)
            rows.append(f"{name}\t{stream}\t{n0}\t{n1}\t{l0}\t{h0}\t{g0}\t{l1}\t{h1}\t{g1}")
    if streams:
        print(f"{sub}/{name}: {len(streams)} streams", file=sys.stderr, flush=True)
    return rows


def main():
    jobs = int(os.environ.get("JOBS", "3"))
    for sub in ("tcpdump", "public"):
        out_path = os.path.join(HERE, f"{sub}.tsv")
        names = sorted(os.listdir(os.path.join(CORPUS, sub)))
        with multiprocessing.Pool(jobs) as pool:
            rows = [r for rs in pool.map(one_file, [(sub, n) for n in names]) for r in rs]
        with open(out_path, "w", encoding="utf-8") as f:
            f.write("file\tstream\tnode0\tnode1\tlen0\tsha0\tgaps0\tlen1\tsha1\tgaps1\n")
            for r in rows:
                f.write(r + "\n")


if __name__ == "__main__":
    main()

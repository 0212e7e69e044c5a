#!/usr/bin/env python3
"""Makes the HTTP truth for tests/follow_conformance.rs, once, with tshark 4.0.

For every capture of ../shared/corpus/{tcpdump,public} in which tshark finds HTTP/1.x over TCP
(port-based and heuristic dissection as tshark's defaults do), writes one row per TCP stream:

    set  file  stream  requests  responses

requests: the stream's requests in frame order, `METHOD URI HOST` separated by ` | ` (tab,
newline and `|` in a value replaced by `_`); responses: the status codes in frame order,
space-separated. The captures themselves are never copied.

Usage: tests/truth/follow/make_http_truth.py [CORPUS]   (default ../shared/corpus)
"""

import multiprocessing
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/corpus")


def clean(v):
    return v.replace("\t", "_").replace("\n", "_").replace("|", "_")


def one_file(job):
    sub, name = job
    path = os.path.join(CORPUS, sub, name)
    args = [
        "tshark", "-n", "-r", path, "-Y", "http && tcp", "-T", "fields",
        "-E", "occurrence=a", "-E", "aggregator=\x01",
        "-e", "frame.number", "-e", "tcp.stream", "-e", "http.request.method",
        "-e", "http.request.uri", "-e", "http.host", "-e", "http.response.code",
    ]
    res = subprocess.run(args, capture_output=True, text=True, errors="replace")
    streams = {}
    for line in res.stdout.splitlines():
        c = line.split("\t")
        if len(c) < 6 or not c[1]:
            continue
        try:
            stream = int(c[1].split("\x01")[0])
        except ValueError:
            continue
        req, resp = streams.setdefault(stream, ([], []))
        methods = [m for m in c[2].split("\x01") if m]
        uris = c[3].split("\x01")
        hosts = c[4].split("\x01")
        for i, m in enumerate(methods):
            uri = uris[i] if i < len(uris) else ""
            host = hosts[i] if i < len(hosts) else ""
            req.append(f"{clean(m)} {clean(uri)} {clean(host)}")
        resp.extend(code for code in c[5].split("\x01") if code)
    rows = []
    for stream in sorted(streams):
        req, resp = streams[stream]
        rows.append(f"{sub}\t{name}\t{stream}\t{' | '.join(req)}\t{' '.join(resp)}")
    return rows


def main():
    jobs = []
    for sub in ("tcpdump", "public"):
        for name in sorted(os.listdir(os.path.join(CORPUS, sub))):
            tsv = os.path.join(CORPUS, "truth", sub, name + ".packets.tsv")
            # Only captures tshark saw HTTP in (frame.protocols mentions it).
            try:
                with open(tsv, encoding="utf-8", errors="replace") as f:
                    if ":http" not in f.read():
                        continue
            except OSError:
                continue
            jobs.append((sub, name))
    with multiprocessing.Pool(int(os.environ.get("JOBS", "3"))) as pool:
        rows = [r for rs in pool.map(one_file, jobs) for r in rs]
    with open(os.path.join(HERE, "http.tsv"), "w", encoding="utf-8") as f:
        f.write("set\tfile\tstream\trequests\tresponses\n")
        for r in rows:
            f.write(r + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Corpus minimization the way afl-cmin does it, from `afl-showmap -i QUEUE -o MAPS` output
(one map file per input, lines `edge:count-bucket`): for every edge keep the smallest input
that hits it. Unlike afl-cmin, hit-count buckets are ignored (edges only): the committed corpus
stays small, and the fuzzer finds the counts again from it in seconds. The seeds themselves
(queue entries AFL names `orig:`) are left out: they are copies of public captures that stay in
../shared/corpus; only inputs the fuzzer generated are kept. cargo-afl's Python afl-cmin finds no tuples with these targets here and its bash
afl-cmin runs one process per file, so fuzz.sh uses this.

usage: cmin.py QUEUE MAPS OUT"""
import os
import shutil
import sys

queue, maps, out = sys.argv[1:4]
files = sorted(
    (
        f
        for f in os.listdir(maps)
        if "orig:" not in f and os.path.isfile(os.path.join(queue, f))
    ),
    key=lambda f: (os.path.getsize(os.path.join(queue, f)), f),
)
best = {}
for f in files:
    with open(os.path.join(maps, f)) as m:
        for tup in m.read().split():
            best.setdefault(tup.split(":")[0], f)
keep = sorted(set(best.values()))
os.makedirs(out, exist_ok=True)
for f in keep:
    shutil.copy(os.path.join(queue, f), os.path.join(out, f))
print(f"{len(files)} inputs, {len(best)} edges, kept {len(keep)}")

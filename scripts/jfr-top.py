#!/usr/bin/env python3
"""Top frames of a JFR recording (see BENCHMARKS.md, "Profiling").

Aggregates the stack-trace samples of one event type (default jdk.ExecutionSample) into the top
self frames and the top inclusive frames, optionally only for threads whose name contains a filter
(the archiver's consumer thread is "archiver-<group>-0").

Usage: scripts/jfr-top.py FILE.jfr [THREAD_FILTER] [N] [EVENT]
"""
import json, subprocess, sys, collections
path = sys.argv[1]
flt = sys.argv[2] if len(sys.argv) > 2 else ""
n = int(sys.argv[3]) if len(sys.argv) > 3 else 25
out = subprocess.run(["jfr", "print", "--json", "--events", sys.argv[4] if len(sys.argv)>4 else "jdk.ExecutionSample", path],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]
selfc, incl, threads = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for e in events:
    v = e["values"]
    t = (v.get("sampledThread") or {}).get("javaName") or "?"
    threads[t] += 1
    if flt and flt not in t:
        continue
    frames = (v.get("stackTrace") or {}).get("frames") or []
    names = []
    for f in frames:
        m = f["method"]
        names.append(m["type"]["name"].split(".")[-1] + "." + m["name"])
    if not names:
        continue
    total += 1
    selfc[names[0]] += 1
    for nm in set(names):
        incl[nm] += 1
print(f"samples: {total} (filter '{flt}')")
print("threads:", threads.most_common(8))
print("-- self --")
for k, c in selfc.most_common(n):
    print(f"{100*c/total:5.1f}% {k}")
print("-- inclusive --")
for k, c in incl.most_common(n):
    print(f"{100*c/total:5.1f}% {k}")

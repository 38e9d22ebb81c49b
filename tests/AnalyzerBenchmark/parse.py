#!/usr/bin/env python3
"""Reads a `dotnet build -p:ReportAnalyzer=true -v:d -clp:PerformanceSummary` log; prints
'<our analyzers s> <CA2000 s> <Csc task s>'."""
import re
import sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
ours = 0.0
ca2000 = 0.0
# Lines of the per-analyzer table: "   0.123    5   TlsShutdown.Analyzers.Rules.X (TLS001)"
for m in re.finditer(r"^\s*(<?\d+(?:\.\d+)?)\s+<?\d+\s+(\S+)\s+\(([A-Z]+\d+(?:, [A-Z]+\d+)*)\)", text, re.M):
    seconds = float(m.group(1).lstrip("<"))
    name, ids = m.group(2), m.group(3)
    if name.startswith("TlsShutdown."):
        ours += seconds
    elif "CA2000" in ids.split(", "):
        ca2000 += seconds
csc = 0.0
m = re.search(r"^\s*(\d+) ms\s+Csc\s+\d+ calls", text, re.M)
if m:
    csc = int(m.group(1)) / 1000.0
print(f"{ours} {ca2000} {csc}")

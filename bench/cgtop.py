"""The top functions of a callgrind profile as a Markdown table, Swift names demangled (swift-demangle --simplified).
usage: cgtop.py CALLGRIND.OUT N {self,inclusive}
"""
import re
import shutil
import subprocess
import sys

path, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
args = ["callgrind_annotate", "--threshold=100"]
if kind == "inclusive":
    args.append("--inclusive=yes")
text = subprocess.run(args + [path], capture_output=True, text=True).stdout
row = re.compile(r"^\s*([0-9,]+)\s+\(\s*([0-9.]+%)\)\s+(.*)$")
rows = []
for line in text.splitlines():
    m = row.match(line)
    if not m or "PROGRAM TOTALS" in line:
        continue
    ir, pct, rest = m.groups()
    obj = ""
    om = re.search(r"\s\[([^\]]*)\]$", rest)
    if om:
        obj = om.group(1).rsplit("/", 1)[-1]
        rest = rest[:om.start()]
    fn = rest.split(":", 1)[1] if ":" in rest else rest
    rows.append([ir, pct, fn, obj])
    if len(rows) >= 4 * n:
        break
demangler = shutil.which("swift-demangle") or "/opt/swift/usr/bin/swift-demangle"
try:
    out = subprocess.run([demangler, "--simplified"], input="\n".join(r[2] for r in rows), capture_output=True,
                         text=True).stdout.splitlines()
    if len(out) == len(rows):
        for r, d in zip(rows, out):
            r[2] = d
except OSError:
    pass
seen, kept = set(), []
for r in rows:
    # Inclusive: drop the start-up frames and the repeated entries callgrind makes for recursion (no object).
    if kind == "inclusive" and (not r[3] or r[2] in seen or r[2].startswith(("0x", "(below main)", "__libc_start"))):
        continue
    seen.add(r[2])
    kept.append(r)
rows = kept[:n]
print(f"| instructions ({kind}) | % | function | in |")
print("|---:|---:|---|---|")
for ir, pct, fn, obj in rows:
    fn = fn if len(fn) <= 160 else fn[:157] + "..."
    print(f"| {ir} | {pct} | `{fn.replace('|', '¦')}` | {obj} |")

"""Instructions by phase from a callgrind profile, as a Markdown table: each phase is the inclusive count of the
functions its patterns name (bench/profile.sh holds the table of phases and patterns).

usage: phases.py CALLGRIND.OUT PHASES_FILE INPUTS [--only-found]   (INPUTS 0: no per-input column)

PHASES_FILE, one phase a line:   LABEL | PATTERN ; PATTERN ...
  LABEL     indented by two spaces: a part of the phase above it (printed indented, not added to the sum)
  PATTERN   a Python regular expression matched at the start of the function's demangled, simplified name, after
            "specialized ", "static " and "merged " are taken off the front and the recursion mark ('2) off the end
            (so "closure #1 in ..." and "protocol witness for ..." never match a pattern naming the function).
            Of the functions a pattern matches, the largest inclusive count is taken (wrappers such as
            __allocating_init and init nest, so their counts are not added); a phase with several patterns adds
            one count per pattern. "@total" is the program's total.
Lines starting with # and blank lines are ignored. A phase none of whose patterns matches prints "not found"
(names change when code is rewritten: update the table, the script does not fail).
The last row, "the rest", is the total less the top-level phases found.
"""
import re
import shutil
import subprocess
import sys


def profile_rows(path):
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                          capture_output=True, text=True).stdout
    row = re.compile(r"^\s*([0-9,]+)\s+\(\s*[0-9.]+%\)\s+(.*)$")
    total, names, counts = 0, [], []
    for line in text.splitlines():
        m = row.match(line)
        if not m:
            continue
        ir, rest = int(m.group(1).replace(",", "")), m.group(2)
        if "PROGRAM TOTALS" in rest:
            total = ir
            continue
        rest = re.sub(r"\s\[[^\]]*\]$", "", rest)
        fn = rest.split(":", 1)[1] if ":" in rest else rest
        names.append(fn)
        counts.append(ir)
    demangler = shutil.which("swift-demangle") or "/opt/swift/usr/bin/swift-demangle"
    try:
        out = subprocess.run([demangler, "--simplified"], input="\n".join(names), capture_output=True,
                             text=True).stdout.splitlines()
        if len(out) == len(names):
            names = out
    except OSError:
        pass
    clean = []
    for n in names:
        n = re.sub(r"'\d+$", "", n.strip())
        while True:
            m = re.match(r"(specialized |static |merged )", n)
            if not m:
                break
            n = n[m.end():]
        clean.append(n)
    return total, list(zip(clean, counts))


def main():
    path, phases_file, inputs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    only_found = "--only-found" in sys.argv[4:]
    total, fns = profile_rows(path)
    phases = []
    for line in open(phases_file):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        label, _, pats = line.rstrip("\n").partition("|")
        sub = label.startswith("  ")
        phases.append((label.strip(), sub, [p.strip() for p in pats.split(";") if p.strip()]))
    rows, top_sum = [], 0
    for label, sub, pats in phases:
        count, found, names = 0, False, []
        for p in pats:
            if p == "@total":
                count, found = count + total, True
                continue
            rx = re.compile(p)
            best = max(((c, n) for n, c in fns if rx.match(n)), default=None)
            if best:
                count, found = count + best[0], True
                names.append(best[1])
        if not found and only_found:
            continue
        if found and not sub:
            top_sum += count
        rows.append((label, sub, count if found else None, names))
    per = (lambda c: f"{c / inputs:,.0f}") if inputs else (lambda c: "–")
    print("| phase | instructions | % of total | per input | function(s) counted |")
    print("|---|---:|---:|---:|---|")
    for label, sub, count, names in rows:
        shown = ("↳ " + label) if sub else label
        fn = "; ".join(f"`{n[:90]}`" for n in names)
        if count is None:
            print(f"| {shown} | not found | | | |")
        else:
            pct = 100 * count / total if total else 0
            print(f"| {shown} | {count:,} | {pct:.1f} % | {per(count)} | {fn} |")
    rest = total - top_sum
    print(f"| the rest (total less the phases above) | {rest:,} | {100 * rest / total if total else 0:.1f} % | "
          f"{per(rest)} | |")
    print(f"| **total** | **{total:,}** | 100 % | **{per(total)}** | |")


if __name__ == "__main__":
    main()

"""Turns the raw results of the workloads (hyperfine JSON and facts.tsv in the results folder) into Markdown.

usage: report.py {throughput,noop,scaling,startup,targets,issue13,issue14,issue15} RESULTS_DIR   -> Markdown on stdout
       report.py best-python RESULTS_DIR                                -> the id of the fastest Python pool (42 images)
"""
import json
import os
import re
import statistics
import sys


def load(rdir, rid):
    """The hyperfine result of one benchmark: dict with median/mean/stddev/runs, or {'failed': text}, or None."""
    path = os.path.join(rdir, rid + ".json")
    if os.path.exists(path):
        with open(path) as f:
            doc = json.load(f)
        r = doc["results"][0]
        times = r["times"]
        busy = doc.get("others_busy_percent_before_runs") or []
        return {
            "name": r["command"], "median": statistics.median(times), "mean": r["mean"],
            "stddev": r.get("stddev") or 0.0, "min": r["min"], "max": r["max"], "runs": len(times),
            "cpu": (r.get("user") or 0.0) + (r.get("system") or 0.0),
            "busy": statistics.median(busy) if busy else None,
        }
    failed = os.path.join(rdir, rid + ".failed")
    if os.path.exists(failed):
        with open(failed) as f:
            lines = f.read().splitlines()
        return {"failed": lines[0] if lines else rid, "detail": " / ".join(l.strip() for l in lines[2:] if l.strip())[-300:]}
    return None


def facts(rdir):
    out = {}
    path = os.path.join(rdir, "facts.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "\t" in line:
                    k, v = line.rstrip("\n").split("\t", 1)
                    out[k] = v
    return out


def secs(x):
    if x is None:
        return "–"
    if x < 0.1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.3f} s" if x < 10 else f"{x:.2f} s"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}"


def median_of(r):
    return r["median"] if r and "median" in r else None


def row_cells(r):
    if r is None:
        return None
    if "failed" in r:
        return ["**failed**", "–", "–"]
    return [secs(r["median"]), f"{secs(r['mean'])} ± {secs(r['stddev'])}", str(r["runs"])]


TP_TOOLS = [
    ("imgmake-thread", "imgmake, thread pool"),
    ("imgmake-process", "imgmake, process pool"),
    ("make-vipsthumbnail", "make -j + vipsthumbnail"),
    ("parallel-vipsthumbnail", "GNU parallel + vipsthumbnail"),
    ("parallel-imagemagick", "GNU parallel + ImageMagick `convert -thumbnail`"),
    ("py-process-pil", "Python process pool + Pillow"),
    ("py-thread-pil", "Python thread pool + Pillow"),
    ("py-process-pyvips", "Python process pool + pyvips"),
    ("py-thread-pyvips", "Python thread pool + pyvips"),
]
TP_FLOORS = [
    ("floor-avg-cli", "full decode, a process per image: `parallel vips avg {}`"),
    ("floor-thumb-cli", "shrink-on-load decode + resize, a process per image: `parallel vips thumbnail {} N.v 320 --height 320`"),
    ("floor-avg-py", "full decode, in one process: pyvips, `new_from_file(f, access=sequential).avg()`"),
    ("floor-shrink-py", "shrink-on-load decode, in one process: pyvips, as above with JPEG `shrink=` as thumbnail picks it"),
    ("floor-thumb-py", "decode + resize, in one process: pyvips, `thumbnail(f, 320, height=320).write_to_memory()`"),
]


def tp_sizes(rdir):
    """The corpus sizes the throughput workload ran, smallest first (from facts: tpN.images)."""
    return sorted(int(k[2:].split(".")[0]) for k in facts(rdir) if re.match(r"tp\d+\.images$", k))


def best_python(rdir, size=42):
    best = None
    for rid, _ in TP_TOOLS:
        if not rid.startswith("py-"):
            continue
        m = median_of(load(rdir, f"tp{size}-{rid}"))
        if m is not None and (best is None or m < best[1]):
            best = (rid, m)
    return best


def best_floor(rdir, size):
    """The lowest decode-only floor (not the decode + resize ones)."""
    best = None
    for rid, label in TP_FLOORS:
        if rid not in ("floor-avg-cli", "floor-avg-py", "floor-shrink-py"):
            continue
        m = median_of(load(rdir, f"tp{size}-{rid}"))
        if m is not None and (best is None or m < best[1]):
            best = (rid, m, label)
    return best


def speed_table(rdir, prefix, tools, n):
    """The Markdown lines of one set's speed table: every tool of tools run as PREFIX-ID (hyperfine JSON), its
    images/s for n images, CPU time, the others' CPU use, imgmake's pools' medians ÷ its, its outputs (facts)."""
    f = facts(rdir)
    ti, tp = median_of(load(rdir, f"{prefix}-imgmake-thread")), median_of(load(rdir, f"{prefix}-imgmake-process"))
    out = ["| tool | median | mean ± σ | runs | images/s | CPU (user+sys) per run | others' CPU use before runs | "
           "imgmake thread ÷ tool | imgmake process ÷ tool | outputs |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for rid, label in tools:
        r = load(rdir, f"{prefix}-{rid}")
        cells = row_cells(r)
        if cells is None:
            continue
        m = median_of(r)
        ips = f"{int(n) / m:.1f}" if m else "–"
        cpu = secs(r["cpu"]) if r and "cpu" in r else "–"
        busy = f"{r['busy']:.0f} %" if r and r.get("busy") is not None else "–"
        out.append(f"| {label} | " + " | ".join(cells) + f" | {ips} | {cpu} | {busy} | {fmt_ratio(ratio(ti, m))} | "
                   f"{fmt_ratio(ratio(tp, m))} | {f.get(f'{prefix}-{rid}.outputs', '–')} |")
    return out


def throughput(rdir):
    f = facts(rdir)
    out = ["## 1. Throughput: 320-pixel WebP thumbnails (Q80, stripped)", ""]
    jobs = f.get("throughput.jobs", "?")
    out.append(f"Every tool at parallelism {jobs} (`-j{jobs}`, `parallel -j{jobs}`, `Pool({jobs})`, {jobs} threads). "
               "Every timed run starts from an empty output folder (hyperfine `--prepare`); imgmake also gets `-B`. "
               "Recipe: `thumbs: out/{name}.webp <- corpus/*` / `thumbnail width=320 height=320` / "
               "`save Q=80 strip=true`; vipsthumbnail `--size 320x320 -o OUT.webp[Q=80,strip]`; "
               "Pillow `Image.thumbnail((320, 320))` + `save(WEBP, quality=80)`; pyvips `thumbnail(f, 320, height=320)` "
               "+ `[Q=80,strip]`; ImageMagick `convert IN -thumbnail 320x320 -quality 80 -strip OUT.webp`. "
               "Ratios are imgmake's median ÷ the tool's median (below 1: imgmake is faster). The tools ran "
               "interleaved (round 1 of every tool, then round 2, ...; on 42 images one untimed warm-up run each "
               "first), so a busy spell on the shared machine hits them alike. *CPU per run* is the user + system "
               "time of the tool and all its child processes (hyperfine), which contention inflates far less than "
               "wall time. *Others' CPU use* is the median share of both cores that other processes kept busy in "
               "the second before each run (/proc/stat; each run waited up to 10 s for it to fall under 25 %).")
    out.append("")
    for size in tp_sizes(rdir):
        ti = median_of(load(rdir, f"tp{size}-imgmake-thread"))
        if load(rdir, f"tp{size}-imgmake-thread") is None:
            continue
        n = f.get(f"tp{size}.images", str(size))
        mb = int(f.get(f"tp{size}.bytes", "0")) / 1e6
        out.append(f"### {n} images ({mb:.0f} MB)" + (" — the corpus" if size == 42 else " — the corpus repeated"))
        out.append("")
        out += speed_table(rdir, f"tp{size}", TP_TOOLS, n)
        out.append("")
        floors = [(rid, label, load(rdir, f"tp{size}-{rid}")) for rid, label in TP_FLOORS]
        floors = [x for x in floors if x[2] is not None]
        if floors:
            out.append(f"Decode-only floor ({n} images, same parallelism; nothing written but the small `.v` "
                       "files of the CLI thumbnail floor). The in-process floors run in one Python process with "
                       f"{jobs} threads (pypool.py), each libvips pipeline on cores ÷ jobs threads "
                       "(`VIPS_CONCURRENCY`), as imgmake does. Distance = imgmake thread pool's median ÷ the floor, "
                       "and the difference:")
            out.append("")
            out.append("| floor | median | mean ± σ | runs | imgmake thread ÷ floor | imgmake − floor |")
            out.append("|---|---:|---:|---:|---:|---:|")
            for rid, label, r in floors:
                cells = row_cells(r)
                m = median_of(r)
                diff = secs(ti - m) if (ti is not None and m is not None and ti >= m) else (
                    f"−{secs(m - ti)}" if ti is not None and m is not None else "–")
                out.append(f"| {label} | " + " | ".join(cells) + f" | {fmt_ratio(ratio(ti, m))} | {diff} |")
            out.append("")
        for rid, _ in TP_TOOLS + [(r, l) for r, l in TP_FLOORS]:
            r = load(rdir, f"tp{size}-{rid}")
            if r is not None and "failed" in r:
                out.append(f"- `{rid}` failed: {r['detail']}")
        out.append("")
    out.append("Notes: the shrink-on-load floor is lower than the full decode for JPEG only (libjpeg decodes at "
               "1/2, 1/4 or 1/8 scale); PNGs (half of the corpus, and its slowest files) have no shrink-on-load and "
               "are decoded in full by every tool. \"decode + resize\" is all of a thumbnail but the WebP encode "
               "and the write: what is left between it and imgmake is encode, write and imgmake's own overhead. The per-image process start of the CLI tools (vips, vipsthumbnail: "
               "about 80 ms each here, see start-up) is part of their figures. vipsthumbnail and the vips CLI run "
               "libvips with its default thread count (one per core) in every process; imgmake gives each job "
               "cores ÷ jobs libvips threads.")
    out.append("")
    return "\n".join(out)


def noop(rdir):
    f = facts(rdir)
    out = ["## 2. No-op rebuild: everything up to date", ""]
    out.append("Inputs: N copies of one 8×8 PNG (90 bytes) in 100 folders (`in/d00` … `in/d99`). One output per "
               "input for each tool, already up to date when timed:")
    out.append("")
    out.append("- imgmake: `thumbs: out/{path}.png <- in/**/*.png` / `    save` — the outputs and `.imgmake/` state "
               "really built by imgmake (`-j2`) once before; timed: `imgmake -q`.")
    out.append("- ninja: `build.ninja` with one `cp` edge per input (`rule cp` / `command = cp $in $out`), the outputs "
               "copied and `.ninja_log` written with ninja's own command hash (MurmurHash64A) and the outputs' "
               "mtimes, so ninja finds every edge clean (checked: `ninja -n` says `no work to do`); timed: `ninja`.")
    out.append("- GNU make: `SRC := $(wildcard in/*/*.png)`, `all: $(patsubst in/%.png,mout/%.png,$(SRC))`, "
               "pattern rule `mout/%.png: in/%.png` → `cp $< $@`; timed: `make -s` (as the reference drives it: "
               "built-in implicit rules on, so make tries them for every file) and `make -s -r` (built-in rules off).")
    out.append("")
    out.append("hyperfine `-N --warmup 1 --runs 5` (no shell), except plain GNU make at 100,000 inputs (over a "
               "minute a run: see the runs column, no warm-up). Ratio column: imgmake's median ÷ the tool's.")
    out.append("")
    out.append("| inputs | tool | median | mean ± σ | runs | imgmake ÷ tool |")
    out.append("|---:|---|---:|---:|---:|---:|")
    for n in (10000, 100000):
        im = median_of(load(rdir, f"noop{n}-imgmake"))
        for tool in ("imgmake", "ninja", "make", "make-r"):
            r = load(rdir, f"noop{n}-{tool}")
            cells = row_cells(r)
            if cells is None:
                continue
            rr = "–" if tool == "imgmake" else fmt_ratio(ratio(im, median_of(r)))
            label = {"make": "GNU make", "make-r": "GNU make -r"}.get(tool, tool)
            out.append(f"| {n:,} | {label} | " + " | ".join(cells) + f" | {rr} |")
    out.append("")
    for n in (10000, 100000):
        if f"noop{n}.prebuild" in f:
            out.append(f"- {n:,} inputs: state {f[f'noop{n}.prebuild']}; after timing, a plain `imgmake` said: "
                       f"`{f.get(f'noop{n}.check', '?')}`; ninja -n: `{f.get(f'noop{n}.ninja-check', '?')}`.")
    out.append("")
    return "\n".join(out)


def scaling(rdir):
    f = facts(rdir)
    out = ["## 3. Scaling and memory", ""]
    j1 = load(rdir, "sc-j1-thread")
    j2 = load(rdir, "sc-j2-thread")
    jp = load(rdir, "sc-j2-process")
    n = f.get("sc.images", "42")
    out.append(f"The 42-image corpus, the same recipe as the throughput workload, `-B` and an empty output folder "
               f"every run (hyperfine, 1 warm-up run, the three interleaved round by round).")
    out.append("")
    out.append("| run | median | mean ± σ | runs | images/s | CPU (user+sys) per run | others' CPU use before runs |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for r, label in ((j1, "imgmake -j1 --pool thread"), (j2, "imgmake -j2 --pool thread"), (jp, "imgmake -j2 --pool process")):
        cells = row_cells(r)
        if cells is None:
            continue
        m = median_of(r)
        cpu = secs(r["cpu"]) if "cpu" in r else "–"
        busy = f"{r['busy']:.0f} %" if r.get("busy") is not None else "–"
        out.append(f"| {label} | " + " | ".join(cells) + f" | {(int(n) / m if m else 0):.1f} | {cpu} | {busy} |")
    out.append("")
    sp = ratio(median_of(j1), median_of(j2))
    pt = ratio(median_of(jp), median_of(j2))
    out.append(f"- speed-up -j2 over -j1 (median -j1 ÷ median -j2): **{fmt_ratio(sp)}**")
    out.append(f"- process pool ÷ thread pool at -j2: **{fmt_ratio(pt)}**")
    out.append("- imgmake gives each job cores ÷ jobs libvips threads (`vips_concurrency_set`): at -j1 the one job's "
               "pipeline has every core, so -j1 is not single-threaded and the speed-up measures jobs against "
               "libvips' own threading.")
    out.append("")
    out.append("Peak memory: copies of the corpus made once at 1024 px (`vips thumbnail IN OUT 1024`, same format), "
               "100 and 1,000 of them, thumbnailed by the same recipe at -j2, `-B`, empty output folder, one run each. "
               "*Parent max RSS* is the kernel's figure for the imgmake process (`wait4` rusage, the number "
               "`/usr/bin/time -v` prints as Maximum resident set size). *Tree peak* is the largest sum of VmRSS "
               "over imgmake and all its descendants, sampled from /proc every 20 ms (for the process pool: the parent "
               "plus its workers; shared pages count once per process).")
    out.append("")
    out.append("| pool | images | seconds | parent max RSS | tree peak (sampled) | ÷ smallest size (parent) | ÷ smallest size (tree) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    sizes = sorted({int(k[3:].split(".")[0]) for k in f if k.startswith("mem") and k.endswith(".parent_kb")})
    for pool in ("thread", "process"):
        base = None
        for n_ in sizes:
            k = f"mem{n_}.{pool}"
            if f"{k}.parent_kb" not in f:
                continue
            pk, tk = int(f[f"{k}.parent_kb"]), int(f[f"{k}.tree_kb"])
            rp = rt = "–"
            if base is None:
                base = (n_, pk, tk)
            else:
                rp = fmt_ratio(pk / base[1])
                rt = fmt_ratio(tk / base[2])
            status = "" if f.get(f"{k}.rc", "0") == "0" else f" (exit {f[f'{k}.rc']})"
            out.append(f"| {pool} | {n_:,} | {float(f[f'{k}.seconds']):.2f}{status} | {pk / 1024:.0f} MiB | "
                       f"{tk / 1024:.0f} MiB | {rp} | {rt} |")
    out.append("")
    return "\n".join(out)


def startup(rdir):
    f = facts(rdir)
    out = ["## 4. Start-up", ""]
    out.append("hyperfine `-N --warmup 3 --runs 20` (no shell), except the first prompt (same runs, own timer). The demo recipe (`recipes/demo`, copied to a temporary "
               "folder and built once) for the no-op build and the shell. *libvips started* says whether the run "
               "opened libvips' loadable modules (`vips-modules-8.14/*.so`, which `vips_init` loads), from "
               "`strace -f -e trace=openat`; libvips itself is always mapped, as a linked library.")
    out.append("")
    out.append("| command | median | mean ± σ | runs | libvips started |")
    out.append("|---|---:|---:|---:|---|")
    rows = [
        ("su-version", "`imgmake --version`", "version"),
        ("su-noop-demo", "`imgmake -C demo -q` (no-op build of the demo)", "noop"),
        ("su-prompt", "`imgmake shell -C demo`: its first prompt, on a pty", "shell"),
        ("su-shell", "`imgmake shell -C demo -c quit` (start, recipe, quit, exit)", "shell"),
        ("su-shell-stdin", "`echo quit \\| imgmake shell -C demo` (through sh; hyperfine subtracts the shell)", "shell-stdin"),
        ("su-vipsthumbnail", "`vipsthumbnail --help` (for scale)", "vipsthumbnail"),
        ("su-vips-version", "`vips --version` (for scale)", "vips"),
        ("su-python", "`python3 -c pass` (for scale)", None),
        ("su-true", "`true` (for scale)", None),
    ]
    for rid, label, key in rows:
        r = load(rdir, rid)
        cells = row_cells(r)
        if cells is None:
            continue
        vs = f.get(f"su.vips.{key}", "–") if key else "–"
        out.append(f"| {label} | " + " | ".join(cells) + f" | {vs} |")
    if "su.shell" in f:
        out.append("")
        out.append(f"- shell: {f['su.shell']}")
    out.append("")
    return "\n".join(out)


def targets(rdir):
    f = facts(rdir)
    rows = []

    def add(target, measured, met):
        rows.append(f"| {target} | {measured} | {'**yes**' if met is True else ('**no**' if met is False else met)} |")

    for size in tp_sizes(rdir):
        ti = median_of(load(rdir, f"tp{size}-imgmake-thread"))
        tp = median_of(load(rdir, f"tp{size}-imgmake-process"))
        mk = median_of(load(rdir, f"tp{size}-make-vipsthumbnail"))
        if ti is None:
            continue
        if mk is not None:
            r = ti / mk
            extra = f"; process pool {fmt_ratio(ratio(tp, mk))}" if tp else ""
            add(f"throughput, {size} images: imgmake ≤ 0.6 × make + vipsthumbnail",
                f"{r:.2f} × ({secs(ti)} vs {secs(mk)}){extra}", r <= 0.6)
        pp = median_of(load(rdir, f"tp{size}-py-process-pil"))
        if pp is not None:
            r = ti / pp
            add(f"throughput, {size} images: imgmake ≤ 1.0 × Python process pool + Pillow (SPEC)",
                f"{r:.2f} × ({secs(ti)} vs {secs(pp)})", r <= 1.0)
        if size == 42:
            bp = best_python(rdir, 42)
        else:
            bid = f.get(f"tp{size}.best-python")
            bp = (bid, median_of(load(rdir, f"tp{size}-{bid}"))) if bid else None
        if bp and bp[1] is not None:
            r = ti / bp[1]
            add(f"throughput, {size} images: imgmake ≤ 1.0 × the best Python pool (issue 6)",
                f"{r:.2f} × ({secs(ti)} vs {secs(bp[1])}, {bp[0]})", r <= 1.0)
        fl = best_floor(rdir, size)
        if fl:
            add(f"throughput, {size} images: distance to the decode-only floor (reported, no threshold)",
                f"imgmake = {ti / fl[1]:.2f} × the lowest decode-only floor ({secs(fl[1])}, {fl[0]}), "
                f"{'+' if ti >= fl[1] else '−'}{secs(abs(ti - fl[1]))}", "reported")
    for n in (10000, 100000):
        im = median_of(load(rdir, f"noop{n}-imgmake"))
        nj = median_of(load(rdir, f"noop{n}-ninja"))
        mk = median_of(load(rdir, f"noop{n}-make"))
        if im is not None and nj is not None:
            add(f"no-op, {n:,} inputs: imgmake ≤ 1.0 × ninja", f"{im / nj:.2f} × ({secs(im)} vs {secs(nj)})", im <= nj)
        elif load(rdir, f"noop{n}-imgmake") is not None:
            add(f"no-op, {n:,} inputs: imgmake ≤ 1.0 × ninja", "imgmake failed", False)
        if im is not None and mk is not None:
            mr = median_of(load(rdir, f"noop{n}-make-r"))
            extra = f"; against `make -r`: {im / mr:.2f} × ({secs(mr)})" if mr else ""
            add(f"no-op, {n:,} inputs: far ahead of GNU make (read here as ≤ 0.5 × make)",
                f"{im / mk:.2f} × ({secs(im)} vs {secs(mk)}){extra}", im <= 0.5 * mk)
    j1 = median_of(load(rdir, "sc-j1-thread"))
    j2 = median_of(load(rdir, "sc-j2-thread"))
    jp = median_of(load(rdir, "sc-j2-process"))
    if j1 and j2:
        add("-j2 ÷ -j1 speed-up ≥ 1.8 (42 images, thread pool)", f"{j1 / j2:.2f} ({secs(j1)} → {secs(j2)})", j1 / j2 >= 1.8)
    if jp and j2:
        add("process pool within 10 % of the thread pool (-j2, 42 images)", f"{jp / j2:.2f} × ({secs(jp)} vs {secs(j2)})",
            jp / j2 <= 1.10)
    for pool in ("thread", "process"):
        a, b = f.get(f"mem100.{pool}.parent_kb"), f.get(f"mem1000.{pool}.parent_kb")
        at, bt = f.get(f"mem100.{pool}.tree_kb"), f.get(f"mem1000.{pool}.tree_kb")
        if a and b:
            r = int(b) / int(a)
            rt = int(bt) / int(at)
            if pool == "thread":
                add("peak memory, thread pool: 1,000 images ≤ 1.2 × 100 images (max RSS)",
                    f"{r:.2f} × ({int(a) / 1024:.0f} → {int(b) / 1024:.0f} MiB)", r <= 1.2)
            else:
                add("peak memory, process pool: 1,000 images ≤ 1.2 × 100 images (parent + workers, sampled)",
                    f"{rt:.2f} × ({int(at) / 1024:.0f} → {int(bt) / 1024:.0f} MiB); parent alone {r:.2f} ×", rt <= 1.2)
    for key, label in (("version", "`imgmake --version`"), ("noop", "no-op build of the demo")):
        v = f.get(f"su.vips.{key}")
        r = median_of(load(rdir, "su-version" if key == "version" else "su-noop-demo"))
        if v is not None:
            add(f"start-up: {label} does not start libvips", f"libvips started: {v}; {secs(r)}", v == "no")
    out = ["## Targets (SPEC §7, issue 6)", "", "| target | measured | met? |", "|---|---|---|"] + rows + [""]
    return "\n".join(out)


def rss_median(rdir, name):
    """The median parent_kb (the kernel's max RSS) of the rounds peakrss.py printed into NAME.txt, and their count."""
    path = os.path.join(rdir, name + ".txt")
    if not os.path.exists(path):
        return None, 0
    kbs = []
    with open(path) as f:
        for line in f:
            m = re.search(r"parent_kb=(\d+).*rc=(-?\d+)", line)
            if m and m.group(2) == "0":
                kbs.append(int(m.group(1)))
    return (statistics.median(kbs) if kbs else None), len(kbs)


def fact_notes(f, notes):
    """Markdown bullets "- LABEL: value" for the (key, label) pairs of notes that the facts f hold."""
    return [f"- {label}: {f[key]}" for key, label in notes if key in f] + [""]


def target_table(rows, peer):
    """A "done when" table: rows of (target, imgmake, PEER, ratio, met) as Markdown lines."""
    out = [f"| target | imgmake | {peer} | ratio | met |", "|---|---|---|---:|---|"]
    return out + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def target_met(ok):
    """A "met" cell: pass, miss, or – when not decided."""
    return "–" if ok is None else ("**pass**" if ok else "**miss**")


def timed_run(rdir, rid):
    """A timed result and its cell: (the result, "MEDIAN (median of RUNS)"), or (None, why not)."""
    r = load(rdir, rid)
    if r is None:
        return None, "not run"
    if "failed" in r:
        return None, "**failed**"
    return r, f"{secs(r['median'])} (median of {r['runs']})"


def issue13(rdir):
    """Issue 13's "done when" table: every target in one table, imgmake beside ninja (or the absolute bound)."""
    f = facts(rdir)
    rows = []
    met = target_met
    timed = lambda rid: timed_run(rdir, rid)  # noqa: E731

    for n in (10000, 100000):
        im, imt = timed(f"i13-noop{n}-imgmake")
        nj, njt = timed(f"i13-noop{n}-ninja")
        if im is None and nj is None and imt == "not run":
            continue
        r = ratio(median_of(im), median_of(nj))
        rows.append((f"no-op, {n:,} inputs: ≤ 0.5 × ninja", imt, njt, fmt_ratio(r), met(None if r is None else r <= 0.5)))
    size = f.get("i13.rss.size")
    if size:
        a, an = rss_median(rdir, f"i13-rss{size}-imgmake")
        b, bn = rss_median(rdir, f"i13-rss{size}-ninja")
        r = ratio(a, b)
        mib = lambda kb, k: "failed" if kb is None else f"{kb / 1024:.0f} MiB (median of {k})"
        rows.append((f"peak RSS, no-op of {int(size):,} inputs: ≤ ninja", mib(a, an), mib(b, bn), fmt_ratio(r),
                     met(None if r is None else r <= 1.0)))
    im, imt = timed("i13-version-imgmake")
    nj, njt = timed("i13-version-ninja")
    r = ratio(median_of(im), median_of(nj))
    rows.append(("`imgmake --version`: ≤ 3 × `ninja --version`", imt, njt, fmt_ratio(r), met(None if r is None else r <= 3.0)))
    tab, tabt = timed("i13-tab")
    rows.append(("one Tab, `imgmake build <Tab>` in the demo (bash, completion function): ≤ 10 ms", tabt, "–", "–",
                 met(None if tab is None else tab["median"] <= 0.010)))
    cb, cbt = timed("i13-tab-callback")
    if cb is not None or cbt != "not run":
        rows.append(("↳ its callback process alone, `imgmake ---completion ...` (reported)", cbt, "–", "–", "–"))
    sc, sct = timed("i13-tab-script")
    if sc is not None:
        rows.append(("↳ the completion script's own share: the same Tab with `true` as the callback (reported)", sct,
                     "–", "–", "–"))
    vips = {k[len("i13.vips."):]: v for k, v in f.items() if k.startswith("i13.vips.") and k != "i13.vips.control-ops"}
    for name, v in sorted(vips.items()):
        d = dict(kv.split("=", 1) for kv in v.split())
        ok = d.get("ld_libvips") == "0" and d.get("strace_libvips_opens") in ("0", "?") and d.get("ld_libraries") not in ("0", None)
        rows.append((f"no libvips mapped: `{name}`", f"{d.get('ld_libvips', '?')} libvips of {d.get('ld_libraries', '?')} "
                     f"libraries mapped (LD_DEBUG=files); {d.get('strace_libvips_opens', '?')} libvips opens (strace)",
                     "–", "–", met(ok)))
    out = ["## Issue 13: no-op builds and start-up, against ninja", ""]
    out.append("From one run of `bench/issue13.sh` (imgmake and ninja interleaved round by round; medians). "
               "Ratios are imgmake's median ÷ ninja's.")
    out.append("")
    out += target_table(rows, "ninja")
    notes = [("i13.binary", "binary"), ("i13.build", "built by"), ("i13.noop10000.prebuild", "10,000 tree"),
             ("i13.noop100000.prebuild", "100,000 tree"), ("i13.noop10000.ninja-check", "ninja on the 10,000 tree"),
             ("i13.noop100000.ninja-check", "ninja on the 100,000 tree"), ("i13.noop10000.imgmake-check", "imgmake -n on the 10,000 tree"),
             ("i13.noop100000.imgmake-check", "imgmake -n on the 100,000 tree"),
             ("i13.tab.callback", "the Tab's callback"), ("i13.tab.replies", "what the Tab offers"),
             ("i13.vips.control-ops", "control (`imgmake ops`, which needs libvips)")]
    return "\n".join(out + fact_notes(f, notes))


I14_SETS = [("42", "the corpus"), ("500", "the corpus repeated"), ("small", "the small-image set")]
I14_TOOLS = [
    ("imgmake-thread", "imgmake, thread pool (the default)"),
    ("imgmake-process", "imgmake, process pool"),
    ("py-process-pil", "Python process pool + Pillow"),
    ("make-vipsthumbnail", "make -j + vipsthumbnail"),
    ("py-thread-pil", "Python thread pool + Pillow (context)"),
    ("py-process-pyvips", "Python process pool + pyvips (context)"),
]
I14_QTOOLS = [("imgmake", "imgmake"), ("pillow", "Pillow"), ("vipsthumbnail", "vipsthumbnail")]


def issue14_quality(rdir):
    """The quality rows: {(set, class): {tool: {metric: [values]}}} in the order met, and the metadata."""
    path = os.path.join(rdir, "i14-quality.json")
    if not os.path.exists(path):
        return None, None
    with open(path) as f:
        doc = json.load(f)
    classes = {}
    for im in doc["images"]:
        c = classes.setdefault((im["set"], im["class"]), {})
        for tool, r in im["tools"].items():
            t = c.setdefault(tool, {"n": 0, "missing": 0})
            if r.get("missing"):
                t["missing"] += 1
                continue
            t["n"] += 1
            for k, v in r.items():
                if k.startswith(("psnr_", "ssim_")):
                    t.setdefault(k, []).append(v)
    order = {"42": 0, "small": 1}
    return dict(sorted(classes.items(), key=lambda kv: (order.get(kv[0][0], 2), kv[0][1]))), doc.get("metadata", {})


def issue14(rdir):
    """Issue 14's "done when": speed per set against Pillow and make + vipsthumbnail, quality per class, metadata."""
    f = facts(rdir)
    sets = f.get("i14.sets", "42 500 small").split()
    rows = []

    def met(ok):
        return "–" if ok is None else ("**pass**" if ok else "**miss**")

    def med(set_, tool):
        return median_of(load(rdir, f"i14-{set_}-{tool}"))

    def timed(set_, tool):
        r = load(rdir, f"i14-{set_}-{tool}")
        if r is None:
            return "not run"
        if "failed" in r:
            return "**failed**"
        return f"{secs(r['median'])} (median of {r['runs']})"

    setname = {"42": "42 images", "500": f"{f.get('i14.500.images', '500')} images", "small":
               f"small set, {f.get('i14.small.images', '?')} images"}
    for s in sets:
        for peer, bound, label in (("py-process-pil", 0.9, "Python process pool + Pillow"),
                                   ("make-vipsthumbnail", 0.5, "make + vipsthumbnail")):
            p = med(s, peer)
            for pool, verdict in (("imgmake-thread", True), ("imgmake-process", False)):
                r = ratio(med(s, pool), p)
                name = (f"{setname.get(s, s)}: imgmake ≤ {bound} × {label}" if verdict
                        else f"↳ the same, imgmake --pool process (reported)")
                rows.append((name, timed(s, pool), timed(s, peer), fmt_ratio(r),
                             met(None if r is None else r <= bound) if verdict else "–"))
    if "500" in sets or any(x.isdigit() and x != "42" for x in sets):
        big = next(x for x in sets if x.isdigit() and x != "42")
        for pool, label in (("imgmake-thread", "thread pool"), ("imgmake-process", "process pool")):
            a, b = med("42", pool), med(big, pool)
            if a and b:
                ra = int(f.get("i14.42.images", "42")) / a
                rb = int(f.get(f"i14.{big}.images", big)) / b
                rows.append((f"images/s at {big} within 5 % of images/s at 42 (not below 0.95 ×), {label}",
                             f"{rb:.1f} images/s at {big}", f"{ra:.1f} images/s at 42", fmt_ratio(rb / ra),
                             met(rb >= 0.95 * ra)))
    classes, meta = issue14_quality(rdir)
    if classes:
        def worst_class(metric):
            """(imgmake's class mean − Pillow's, (set, class)) of the class where imgmake is furthest behind."""
            worst = None
            for key, tools in classes.items():
                a, b = tools.get("imgmake", {}).get(metric), tools.get("pillow", {}).get(metric)
                if a and b:
                    d = statistics.mean(a) - statistics.mean(b)
                    if worst is None or d < worst[0]:
                        worst = (d, key)
            return worst

        for metric, label, fmt in (("psnr", "PSNR", "{:+.2f} dB"), ("ssim", "SSIM", "{:+.4f}")):
            for kind, name in (("srgb", f"{label} (against the Lanczos-3 reference): imgmake not lower than Pillow "
                                        "in any class"),
                               ("linear", "↳ the same against the linear-light reference (reported)")):
                worst = worst_class(f"{metric}_{kind}")
                if worst:
                    where = "small set" if worst[1][0] == "small" else "corpus"
                    rows.append((name, f"worst class: {worst[1][1]} ({where}), imgmake − Pillow = "
                                 + fmt.format(worst[0]), "–", "–", met(worst[0] >= 0) if kind == "srgb" else "–"))
    if meta:
        total = carrying = 0
        kinds = {}
        for label, m in meta.items():
            if not label.split("/")[-1].startswith("imgmake"):
                continue
            total += m["files"]
            carrying += m.get("any", 0)
            for k, v in m["with"].items():
                kinds[k] = kinds.get(k, 0) + v
        what = ", ".join(f"{k} in {v}" for k, v in sorted(kinds.items()))
        rows.append(("no EXIF, XMP, IPTC or ICC in any imgmake output (`strip=true`; every set, both pools)",
                     f"{carrying} of {total} files carry metadata" + (f" ({what})" if what else ""), "–", "–",
                     met(total > 0 and carrying == 0)))
    for s in sets:
        if f"i14.{s}.pools-identical" in f:
            rows.append((f"↳ {setname.get(s, s)}: thread and process pools' outputs byte-identical (reported)",
                         f[f"i14.{s}.pools-identical"], "–", "–", "–"))

    out = ["## Issue 14: per-image speed and quality, against Pillow and vipsthumbnail", ""]
    out.append("From one run of `bench/issue14.sh`: the tools interleaved round by round (tools_run), medians, each "
               "run from an empty output folder (imgmake also `-B`), every tool at -j"
               f"{f.get('i14.jobs', '?')}; {f.get('i14.rounds', '')}. Recipe: `thumbnail width=320 height=320` + "
               "`save Q=80 strip=true` to WebP; Pillow `Image.thumbnail((320, 320))` + `save(WEBP, quality=80)`; "
               "vipsthumbnail `--size 320x320 -o OUT.webp[Q=80,strip]`. Ratios are imgmake's median ÷ the peer's; "
               "the verdicts use imgmake's default pool (thread), the process pool is reported under it.")
    out.append("")
    out += target_table(rows, "peer")

    for s in sets:
        if load(rdir, f"i14-{s}-imgmake-thread") is None:
            continue
        n = f.get(f"i14.{s}.images", s)
        mb = int(f.get(f"i14.{s}.bytes", "0")) / 1e6
        desc = dict(I14_SETS).get(s, "")
        out.append(f"### Speed: {n} images ({mb:.0f} MB), {desc}")
        out.append("")
        out += speed_table(rdir, f"i14-{s}", I14_TOOLS, n)
        for rid, _ in I14_TOOLS:
            r = load(rdir, f"i14-{s}-{rid}")
            if r is not None and "failed" in r:
                out.append(f"- `{rid}` failed: {r['detail']}")
        out.append("")

    if classes:
        out.append("### Quality per image class")
        out.append("")
        out.append("Each tool's WebP outputs of the last timed round (imgmake: the thread pool's, which the process "
                   "pool's equal byte for byte, see above; the small set: the first copy of each of its 42 sources), "
                   "decoded, against a reference made at the output's exact size: the full decode (autorotated) in "
                   "float, premultiplied when it has alpha, resized by libvips' Lanczos-3 alone (`resize "
                   "kernel=lanczos3 gap=0`, `vscale` for the exact height), unpremultiplied, clipped to 0–255, not "
                   "rounded (`quality.py`). Images with alpha are compared as shown: composited over white and over "
                   "grey 128, both in one PSNR and one SSIM (RGBA values would count the colour under alpha 0, which "
                   "nobody sees and which WebP's encoder changes); grey is widened to RGB. PSNR: 8-bit peak, over all "
                   "bands. SSIM: Gaussian window σ 1.5, 11 × 11, per R, G, B band, averaged. Means per class; the "
                   "difference column is imgmake's mean − Pillow's. Pillow's WebP encoder is its wheel's libwebp, "
                   "imgmake's and vipsthumbnail's the system's (libvips'), so the encoder is part of each figure.")
        out.append("")
        for kind, title in (("srgb", "against the Lanczos-3 reference (the verdict)"),
                            ("linear", "against the linear-light Lanczos-3 reference (reported)")):
            out.append(f"**{title}**")
            out.append("")
            out.append("| class | images | " + " | ".join(f"{l} PSNR" for _, l in I14_QTOOLS) + " | imgmake − Pillow | "
                       + " | ".join(f"{l} SSIM" for _, l in I14_QTOOLS) + " | imgmake − Pillow |")
            out.append("|---|---:|" + "---:|" * (2 * len(I14_QTOOLS) + 2))
            for (set_, cls), tools in classes.items():
                n = max((t.get("n", 0) for t in tools.values()), default=0)
                cells = [cls, str(n)]
                for metric, fmt in ((f"psnr_{kind}", "{:.2f}"), (f"ssim_{kind}", "{:.4f}")):
                    means = {}
                    for t, _ in I14_QTOOLS:
                        v = tools.get(t, {}).get(metric)
                        means[t] = statistics.mean(v) if v else None
                        cells.append("–" if v is None else fmt.format(means[t]))
                    a, b = means.get("imgmake"), means.get("pillow")
                    cells.append("–" if a is None or b is None else ("{:+.2f}" if "psnr" in metric else "{:+.4f}").format(a - b))
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        miss = [(k, t, v["missing"]) for k, tools in classes.items() for t, v in tools.items() if v.get("missing")]
        for (set_, cls), t, k in miss:
            out.append(f"- {cls}: {k} output(s) of {t} missing")
    if meta:
        out.append("### Metadata in the outputs")
        out.append("")
        out.append("Every WebP output's RIFF chunks (EXIF, XMP, ICCP), its VP8X flags, and markers of EXIF, XMP, IPTC "
                   "(`Photoshop 3.0`, `8BIM`) and ICC (`acsp`) inside any chunk that is not image data. Files that carry each:")
        out.append("")
        out.append("| outputs | files | EXIF | XMP | IPTC | ICC | chunks seen | example |")
        out.append("|---|---:|---:|---:|---:|---:|---|---|")
        for label, m in meta.items():
            w = m["with"]
            out.append(f"| {label} | {m['files']} | " + " | ".join(str(w.get(k, 0)) for k in ("EXIF", "XMP", "IPTC", "ICC"))
                       + f" | {' '.join(m['chunks'])} | {m['examples'][0] if m['examples'] else '–'} |")
        out.append("")
    notes = [("i14.binary", "binary"), ("i14.build", "built by"), ("i14.small.made", "small set"),
             ("i14.quality.seconds", "quality measure, seconds")]
    return "\n".join(out + fact_notes(f, notes))


QUIET_PCT = 5


def fmt3(x):
    return "–" if x is None else f"{x:.3f}"


def issue15_rounds(rdir):
    """Issue 15's rounds, paired: per round imgmake's and mpscript.py's wall and CPU times and others' CPU share
    during each run (lib.sh's others_busy_percent_during_rounds; None where it was not measured)."""
    docs = {}
    for rid in ("i15-imgmake", "i15-mpscript"):
        path = os.path.join(rdir, rid + ".json")
        if not os.path.exists(path):
            return []
        with open(path) as fh:
            docs[rid] = json.load(fh)
    im, mp = docs["i15-imgmake"], docs["i15-mpscript"]
    ti, tm = im["results"][0]["times"], mp["results"][0]["times"]
    di, dm = im.get("others_busy_percent_during_rounds") or [], mp.get("others_busy_percent_during_rounds") or []
    ci, cm = im["results"][0].get("round_cpu") or [], mp["results"][0].get("round_cpu") or []
    out = []
    for k in range(min(len(ti), len(tm))):
        oi = di[k] if k < len(di) else None
        om = dm[k] if k < len(dm) else None
        out.append({"round": k + 1, "im": ti[k], "mp": tm[k], "im_others": oi, "mp_others": om,
                    "im_cpu": ci[k] if k < len(ci) else None, "mp_cpu": cm[k] if k < len(cm) else None,
                    "quiet": oi is not None and om is not None and oi < QUIET_PCT and om < QUIET_PCT})
    return out


def issue15(rdir):
    """Issue 15: a `python FILE:FUNCTION` rule against the user's multiprocessing script, and its no-op."""
    f = facts(rdir)
    n = f.get("i15.images", "500")
    rows = []

    met = target_met
    timed = lambda rid: timed_run(rdir, rid)  # noqa: E731

    a, at = timed("i15-imgmake")
    b, bt = timed("i15-mpscript")
    r = ratio(median_of(a), median_of(b))
    rows.append((f"{n} images, -j{f.get('i15.jobs', '?')}: imgmake's python rule ≤ 1.05 × mpscript.py", at, bt,
                 "–" if r is None else f"{r:.3f}", met(None if r is None else r <= 1.05)))
    rounds = issue15_rounds(rdir)
    if a and b and "cpu" in a and "cpu" in b:
        rows.append(("↳ CPU time (user + sys of the whole process tree), mean of the rounds (reported)",
                     secs(a["cpu"]), secs(b["cpu"]), fmt3(ratio(a["cpu"], b["cpu"])), "–"))
    if rounds:
        quiet = [x for x in rounds if x["quiet"]]
        paired = [x["im"] / x["mp"] for x in rounds]
        rows.append(("↳ the rounds' own ratios (imgmake ÷ mpscript.py of the same round), median (reported)",
                     f"{len(paired)} rounds", "–", fmt3(statistics.median(paired)), "–"))
        if quiet:
            qa = statistics.median(x["im"] for x in quiet)
            qb = statistics.median(x["mp"] for x in quiet)
            rows.append((f"↳ the quiet rounds alone (others < {QUIET_PCT} % of the CPU during both runs), medians "
                         "(reported)", f"{secs(qa)} (median of {len(quiet)})", f"{secs(qb)} (median of {len(quiet)})",
                         fmt3(qa / qb), "–"))
        else:
            rows.append((f"↳ the quiet rounds alone (others < {QUIET_PCT} % of the CPU during both runs) (reported)",
                         "none", "none", "–", "–"))
    c, ct = timed("i15-noop")
    rows.append((f"↳ the no-op of the same build (reported)", ct, "–", "–", "–"))
    procs = f.get("i15.procs.noop")
    if procs:
        m = re.match(r"(\d+) execve \((\d+) of Python\), (\d+) processes", procs)
        ok = m is not None and m.group(2) == "0"
        rows.append(("the no-op starts no Python process (strace -f: execve, clone/fork)", procs, "–", "–", met(ok)))
    for key, label in (("i15.procs.build", "↳ control: the full build under the same trace"),
                       ("i15.procs.mpscript", "↳ mpscript.py under the same trace")):
        if key in f:
            rows.append((f"{label} (reported)", f[key], "–", "–", "–"))
    if "i15.identical" in f:
        rows.append(("↳ imgmake's and mpscript.py's outputs byte-identical (reported)", f["i15.identical"], "–", "–", "–"))

    out = ["## Issue 15: your own Python function as a rule, against the multiprocessing script", ""]
    out.append("From one run of `bench/issue15.sh`: imgmake, its no-op and the script interleaved round by round "
               "(tools_run), medians, imgmake (`-B`) and the script each from an empty output folder, both at -j"
               f"{f.get('i15.jobs', '?')}; {f.get('i15.rounds', '')}. The function is `bench/userfunc.py`'s "
               "`thumbnail(src, dst, size=320)` (Pillow `Image.thumbnail((320, 320))`, `save(WEBP, quality=80)`, "
               "returns `{\"width\", \"height\"}`), called by imgmake's `python` rule and by `bench/mpscript.py` "
               "(`multiprocessing.Pool(JOBS).apply_async(thumbnail, (name, out))`, results into a "
               "`Manager().dict()`). Ratio: imgmake's median ÷ mpscript.py's.")
    out.append("")
    out += target_table(rows, "mpscript.py")
    recipe = os.path.join(rdir, "i15-Imgmakefile")
    if os.path.exists(recipe):
        with open(recipe) as fh:
            out += ["The recipe:", "", "```", fh.read().rstrip("\n"), "```", ""]
    out.append(f"### Speed: {n} images ({int(f.get('i15.bytes', '0')) / 1e6:.0f} MB), the corpus repeated")
    out.append("")
    out.append("| tool | median | mean ± σ | runs | images/s | CPU (user+sys) per run | others' CPU use before runs "
               "| imgmake ÷ tool | outputs |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rid, label in (("i15-imgmake", "imgmake -B, python rule"), ("i15-mpscript", "mpscript.py"),
                       ("i15-noop", "imgmake no-op (no -B)")):
        x = load(rdir, rid)
        cells = row_cells(x)
        if cells is None:
            continue
        if "failed" in x:
            out.append(f"| {label} | " + " | ".join(cells) + " | – | – | – | – | – |")
            continue
        ips = f"{int(n) / x['median']:.1f}" if rid != "i15-noop" else "–"
        busy = "–" if x["busy"] is None else f"{x['busy']:.0f} %"
        vs = fmt_ratio(ratio(median_of(a), x["median"])) if rid != "i15-noop" else "–"
        outputs = f.get(rid + ".outputs", "–")
        out.append(f"| {label} | " + " | ".join(cells) + f" | {ips} | {secs(x['cpu'])} | {busy} | {vs} | {outputs} |")
    out.append("")
    if rounds:
        out.append("### Round by round")
        out.append("")
        out.append("Others' CPU use: the share of all CPU time others used during the run (`/proc/stat` busy time "
                   "around it less the run's own user + sys; lib.sh). A round is quiet when it is under "
                   f"{QUIET_PCT} % for both runs.")
        out.append("")
        out.append("| round | imgmake | its CPU | others during | mpscript.py | its CPU | others during | ratio | quiet |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for x in rounds:
            pct = lambda v: "–" if v is None else f"{v:.1f} %"
            out.append(f"| {x['round']} | {secs(x['im'])} | {secs(x['im_cpu'])} | {pct(x['im_others'])} | "
                       f"{secs(x['mp'])} | {secs(x['mp_cpu'])} | {pct(x['mp_others'])} | {x['im'] / x['mp']:.3f} | "
                       + ("yes" if x["quiet"] else "no") + " |")
        out.append("")
    notes = [("i15.binary", "binary"), ("i15.python", "Python"), ("i15.noop.dry", "dry run after the rounds"),
             ("i15.report.results", "--report of a full build"), ("i15.report.durations", "its jobs' durations")]
    return "\n".join(out + fact_notes(f, notes))


def main():
    cmd, rdir = sys.argv[1], sys.argv[2]
    if cmd == "best-python":
        bp = best_python(rdir, 42)
        print(bp[0] if bp else "py-process-pil")
    else:
        print({"throughput": throughput, "noop": noop, "scaling": scaling, "startup": startup,
               "targets": targets, "issue13": issue13, "issue14": issue14, "issue15": issue15}[cmd](rdir))


if __name__ == "__main__":
    main()

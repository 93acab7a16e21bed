"""Draws the throughput chart: median wall time of imgmake and of each peer (and the decode-only floors), one panel
per corpus size, bars from fastest to slowest, whiskers from the fastest to the slowest run.

usage: chart.py RESULTS_DIR OUT.png   (needs matplotlib)
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import TP_FLOORS, TP_TOOLS, facts, load, tp_sizes  # noqa: E402

SHORT = {
    "imgmake-thread": "imgmake (thread pool)",
    "imgmake-process": "imgmake (process pool)",
    "make-vipsthumbnail": "make + vipsthumbnail",
    "parallel-vipsthumbnail": "parallel + vipsthumbnail",
    "parallel-imagemagick": "parallel + ImageMagick",
    "py-process-pil": "Python process pool + Pillow",
    "py-thread-pil": "Python thread pool + Pillow",
    "py-process-pyvips": "Python process pool + pyvips",
    "py-thread-pyvips": "Python thread pool + pyvips",
    "floor-avg-cli": "floor: full decode (vips avg, a process each)",
    "floor-thumb-cli": "floor: shrink-on-load + resize (vips thumbnail, a process each)",
    "floor-avg-py": "floor: full decode (in-process)",
    "floor-shrink-py": "floor: shrink-on-load decode (in-process)",
    "floor-thumb-py": "floor: decode + resize (in-process)",
}


def panel(ax, rdir, size, jobs):
    rows = []
    for rid, _ in TP_TOOLS + TP_FLOORS:
        r = load(rdir, f"tp{size}-{rid}")
        if r and "median" in r:
            rows.append((rid, r))
    rows.sort(key=lambda x: -x[1]["median"])
    if not rows:
        return False
    names = [SHORT.get(rid, rid) for rid, _ in rows]
    med = [r["median"] for _, r in rows]
    lo = [r["median"] - r["min"] for _, r in rows]
    hi = [r["max"] - r["median"] for _, r in rows]
    colors = ["#d62728" if rid.startswith("imgmake") else ("#9e9e9e" if rid.startswith("floor") else "#1f77b4")
              for rid, _ in rows]
    y = range(len(rows))
    ax.barh(y, med, xerr=[lo, hi], color=colors, capsize=3, error_kw={"elinewidth": 1})
    ax.set_yticks(list(y))
    ax.set_yticklabels(names, fontsize=9)
    top = max(m + h for m, h in zip(med, hi))
    for i, (rid, r) in enumerate(rows):
        ax.text(r["max"] + top * 0.01, i, f"{r['median']:.2f} s", va="center", fontsize=8)
    ax.set_xlim(0, top * 1.15)
    ax.set_xlabel("wall time, seconds (median; whiskers: fastest and slowest run) — lower is better")
    n = facts(rdir).get(f"tp{size}.images", str(size))
    ax.set_title(f"{n} images → 320 px WebP Q80, -j{jobs}", fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    return True


def main():
    rdir, out = sys.argv[1], sys.argv[2]
    jobs = facts(rdir).get("throughput.jobs", "?")
    sizes = [s for s in tp_sizes(rdir) if load(rdir, f"tp{s}-imgmake-thread")]
    counts = []
    for s in sizes:
        counts.append(sum(1 for rid, _ in TP_TOOLS + TP_FLOORS if load(rdir, f"tp{s}-{rid}")))
    fig, axes = plt.subplots(len(sizes), 1, figsize=(10, 1.2 + 0.42 * sum(counts) + 1.0 * len(sizes)),
                             gridspec_kw={"height_ratios": counts}, squeeze=False)
    for ax, s in zip(axes[:, 0], sizes):
        panel(ax, rdir, s, jobs)
    fig.suptitle("imgmake against its peers (red: imgmake, blue: peers, grey: decode-only floors)", fontsize=12)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main()

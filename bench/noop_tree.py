"""Lays out the no-op workload's tree for N inputs, for imgmake, ninja and GNU make side by side:

  in/dNN/imgNNNNNN.png   N copies of SEED (a tiny valid PNG) in 100 folders, modification time one hour ago
  Imgmakefile            thumbs: out/{path}.png <- in/**/*.png / save   (imgmake builds out/ itself, really)
  build.ninja            one `cp` edge per input -> nout/...; the outputs are copied here and .ninja_log is written
                         with ninja's own command hash (MurmurHash64A, seed 0xDECAFBADDECAFBAD) and each output's
                         mtime in nanoseconds: exactly what ninja would have logged had it run the copies itself
  Makefile               $(wildcard in/*/*.png) and a pattern rule `mout/%.png: in/%.png` -> cp; outputs copied here

usage: noop_tree.py DIR N SEED.png
"""
import os
import shutil
import sys
import time


def murmur64a(data: bytes, seed=0xDECAFBADDECAFBAD):
    m, r, mask = 0xC6A4A7935BD1E995, 47, (1 << 64) - 1
    h = (seed ^ (len(data) * m)) & mask
    nblocks = len(data) // 8
    for i in range(nblocks):
        k = int.from_bytes(data[i * 8:i * 8 + 8], "little")
        k = (k * m) & mask
        k ^= k >> r
        k = (k * m) & mask
        h ^= k
        h = (h * m) & mask
    tail = data[nblocks * 8:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * m) & mask
    h ^= h >> r
    h = (h * m) & mask
    h ^= h >> r
    return h


def main():
    root, n, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    data = open(seed, "rb").read()
    os.makedirs(root, exist_ok=True)
    os.chdir(root)
    old = time.time() - 3600
    paths = []
    for d in range(100):
        for sub in ("in", "nout", "mout"):
            os.makedirs(f"{sub}/d{d:02d}", exist_ok=True)
    for i in range(n):
        p = f"d{i % 100:02d}/img{i:06d}.png"
        paths.append(p)
        with open("in/" + p, "wb") as f:
            f.write(data)
        os.utime("in/" + p, (old, old))
    paths.sort()
    # make's and ninja's outputs: written now, so newer than every input.
    for p in paths:
        for sub in ("nout", "mout"):
            with open(f"{sub}/{p}", "wb") as f:
                f.write(data)
    with open("build.ninja", "w") as f:
        f.write("rule cp\n  command = cp $in $out\n")
        for p in paths:
            f.write(f"build nout/{p}: cp in/{p}\n")
        f.write("build all: phony " + " ".join(f"nout/{p}" for p in paths) + "\ndefault all\n")
    with open(".ninja_log", "w") as f:
        f.write("# ninja log v5\n")
        for p in paths:
            out = f"nout/{p}"
            h = murmur64a(f"cp in/{p} {out}".encode())
            f.write(f"0\t1\t{os.stat(out).st_mtime_ns}\t{out}\t{h:x}\n")
    with open("Makefile", "w") as f:
        f.write("SRC := $(wildcard in/*/*.png)\nOUT := $(patsubst in/%.png,mout/%.png,$(SRC))\n"
                "all: $(OUT)\nmout/%.png: in/%.png\n\tcp $< $@\n")
    with open("Imgmakefile", "w") as f:
        f.write("thumbs: out/{path}.png <- in/**/*.png\n    save\n")
    shutil.copy(seed, ".seed.png")


if __name__ == "__main__":
    main()

"""Python thread and process pools applied to the benchmark workload, as in ../shared/reference/pypool.py
(threading + a lock over an iterator; multiprocessing.Pool.apply_async), with two changes: a job's exception is
not swallowed (the script exits 1 and says which file failed), and two decode-only modes give the floor.

usage: pypool.py MODE {process,thread} JOBS OUTDIR FILE...
  MODE pil        Pillow: Image.thumbnail((320, 320)) (draft mode: shrink-on-load for JPEG), save WebP quality 80
       piljpeg    the same, saved as JPEG quality 80 (OUTDIR/NAME.jpg; alpha composited on white, as imgmake does)
       pyvips     pyvips: Image.thumbnail(file, 320, height=320), write OUTDIR/NAME.webp[Q=80,strip]
       avg        floor, full decode: pyvips new_from_file(access=sequential).avg(); writes nothing
       shrinkavg  floor, shrink-on-load decode: as avg, but a JPEG is loaded with the shrink factor libvips'
                  thumbnail would pick for a 320x320 box (8, 4, 2 or 1: vips_thumbnail_find_jpegshrink); writes nothing
       thumbmem   floor, decode + resize: pyvips thumbnail(file, 320, height=320).write_to_memory() (all of the
                  thumbnail but the WebP encode and the file write)
"""
import os
import sys
import threading
from multiprocessing import Pool

mode, pool, jobs, outdir, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]


def image_processing(name):
    out = os.path.join(outdir, os.path.splitext(os.path.basename(name))[0] + ".webp")
    if mode == "pil":
        from PIL import Image
        with Image.open(name) as im:
            im.thumbnail((320, 320))
            im.save(out, "WEBP", quality=80)
    elif mode == "piljpeg":
        from PIL import Image
        with Image.open(name) as im:
            im.thumbnail((320, 320))
            if im.mode in ("RGBA", "LA", "P"):
                im = im.convert("RGBA")
                white = Image.new("RGBA", im.size, (255, 255, 255, 255))
                im = Image.alpha_composite(white, im).convert("RGB")
            elif im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            im.save(os.path.splitext(out)[0] + ".jpg", "JPEG", quality=80)
    elif mode == "pyvips":
        import pyvips
        pyvips.Image.thumbnail(name, 320, height=320).write_to_file(out + "[Q=80,strip]")
    elif mode == "avg":
        import pyvips
        pyvips.Image.new_from_file(name, access="sequential").avg()
    elif mode == "shrinkavg":
        import pyvips
        im = pyvips.Image.new_from_file(name, access="sequential")
        if im.get("vips-loader").startswith("jpegload"):
            # libvips 8.14 thumbnail.c: shrink = the larger of width / 320 and height / 320 (a box); leave a
            # factor of two for the final resize.
            f = max(im.width / 320, im.height / 320)
            shrink = 8 if f >= 16 else 4 if f >= 8 else 2 if f >= 4 else 1
            im = pyvips.Image.new_from_file(name, access="sequential", shrink=shrink)
        im.avg()
    elif mode == "thumbmem":
        import pyvips
        pyvips.Image.thumbnail(name, 320, height=320).write_to_memory()
    else:
        raise SystemExit(f"pypool: unknown mode {mode}")
    return name


def main():
    failed = []
    if pool == "process":
        with Pool(processes=jobs) as p:
            pending = [(f, p.apply_async(func=image_processing, args=(f,))) for f in files]
            for f, r in pending:
                try:
                    r.get()
                except Exception as e:  # noqa: BLE001 - report every failure
                    failed.append((f, e))
    else:
        lock = threading.Lock()
        it = iter(files)

        def worker():
            while True:
                with lock:
                    try:
                        f = next(it)
                    except StopIteration:
                        return
                try:
                    image_processing(f)
                except Exception as e:  # noqa: BLE001
                    with lock:
                        failed.append((f, e))

        ts = [threading.Thread(target=worker) for _ in range(jobs)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    for f, e in failed:
        print(f"pypool: {f}: {e}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""The script a user writes today to run their own function over a folder (issue 15's peer, issue15.sh): as in
../shared/reference/pypool.py, multiprocessing.Pool(JOBS).apply_async over the files, each job's result collected
into a Manager().dict(); the function is userfunc.py's thumbnail, the same one imgmake's `python` step calls.
A job's exception is not swallowed: the script exits 1 and names the file.

usage: mpscript.py JOBS OUTDIR FILE...     (writes OUTDIR/NAME.webp for each FILE)
"""
import os
import sys
from multiprocessing import Manager, Pool

from userfunc import thumbnail


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    jobs, outdir, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    failed = []
    with Manager() as manager:
        results = manager.dict()
        with Pool(processes=jobs) as pool:
            pending = []
            for name in files:
                out = os.path.join(outdir, os.path.splitext(os.path.basename(name))[0] + ".webp")
                pending.append((name, pool.apply_async(thumbnail, (name, out))))
            for name, r in pending:
                try:
                    results[name] = r.get()
                except Exception as e:  # noqa: BLE001 - report every failure
                    failed.append((name, e))
        done = len(results)
    for name, e in failed:
        print(f"mpscript: {name}: {type(e).__name__}: {e}", file=sys.stderr)
    print(f"mpscript: {done} results, {len(failed)} failed", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

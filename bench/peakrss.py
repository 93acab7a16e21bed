"""Runs a command and reports its memory peak two ways:
  parent_kb  the command's own max RSS from the kernel (wait4 rusage ru_maxrss: the figure /usr/bin/time -v prints as
             "Maximum resident set size")
  tree_kb    the largest sum of VmRSS over the command and all its descendants, sampled from /proc every INTERVAL
             seconds (for a process pool: parent plus workers; pages shared between processes count in each)
usage: peakrss.py [--interval S] -- COMMAND...   -> prints "parent_kb=N tree_kb=N seconds=S rc=N" on stdout
"""
import os
import subprocess
import sys
import time


def children_map():
    kids = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                s = f.read()
            ppid = int(s[s.rindex(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(pid))
        except (OSError, ValueError, IndexError):
            pass
    return kids


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    args = sys.argv[1:]
    interval = 0.02
    if args[:1] == ["--interval"]:
        interval, args = float(args[1]), args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    start = time.monotonic()
    p = subprocess.Popen(args)
    tree_peak = 0
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            break
        kids = children_map()
        todo, total = [p.pid], 0
        while todo:
            q = todo.pop()
            total += rss_kb(q)
            todo.extend(kids.get(q, []))
        tree_peak = max(tree_peak, total)
        time.sleep(interval)
    seconds = time.monotonic() - start
    rc = os.waitstatus_to_exitcode(status)
    parent = ru.ru_maxrss
    print(f"parent_kb={parent} tree_kb={max(tree_peak, parent)} seconds={seconds:.3f} rc={rc}")


if __name__ == "__main__":
    main()

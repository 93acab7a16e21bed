"""Time to the shell's first prompt: starts `IMGMAKE shell -C DIR` on a pseudo-terminal, as a person would, and
measures from the start until the prompt ("imgmake> ") is on the screen; then types `quit` and waits for the exit
(not timed). Writes a hyperfine-like JSON (results[0]: command, mean, stddev, median, min, max, times).

usage: firstprompt.py IMGMAKE DIR RUNS WARMUP OUT.json
"""
import json
import os
import pty
import select
import statistics
import sys
import time

imgmake, folder, runs, warmup, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
PROMPT = b"imgmake> "


def once():
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(imgmake, [imgmake, "shell", "-C", folder])
    buf, took = b"", None
    while time.monotonic() - start < 30:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            buf += data
            if PROMPT in buf:
                took = time.monotonic() - start
                break
    try:
        os.write(fd, b"quit\r")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    if not os.read(fd, 65536):
                        break
                except OSError:
                    break
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        os.close(fd)
    if took is None:
        sys.exit(f"firstprompt: no prompt within 30 s; the shell printed: {buf[-300:]!r}")
    return took


for _ in range(warmup):
    once()
times = [once() for _ in range(runs)]
result = {
    "command": "imgmake shell (first prompt, on a pty)", "mean": statistics.mean(times),
    "stddev": statistics.stdev(times) if len(times) > 1 else 0.0, "median": statistics.median(times),
    "min": min(times), "max": max(times), "times": times,
}
with open(out, "w") as f:
    json.dump({"results": [result]}, f, indent=1)
print(f"first prompt: median {result['median'] * 1000:.1f} ms over {runs} runs")

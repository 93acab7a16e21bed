"""Interleaved timing of a few commands: each round runs every command once, in turn, so that a noisy machine
slows them alike; prints each command's median wall time, median CPU time (user + system of the command and its
children) and their ratio (the cores it kept busy), and its median's ratio to the last command's.

usage: interleave.py ROUNDS NAME=COMMAND... (each COMMAND runs through /bin/sh; its output is discarded)
"""
import resource
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3 or "=" not in sys.argv[2]:
        raise SystemExit(__doc__)
    rounds = int(sys.argv[1])
    commands = [argument.split("=", 1) for argument in sys.argv[2:]]
    wall = {name: [] for name, _ in commands}
    cpu = {name: [] for name, _ in commands}
    for _ in range(rounds):
        for name, command in commands:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.monotonic()
            subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL)
            wall[name].append(time.monotonic() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    last = statistics.median(wall[commands[-1][0]])
    for name, _ in commands:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        runs = " ".join(f"{x:.2f}" for x in wall[name])
        print(f"{name:12s} wall {w:.3f} s  cpu {c:.2f} s  cores busy {c / w:.2f}  ÷ {commands[-1][0]} {w / last:.3f}  runs {runs}")


if __name__ == "__main__":
    main()

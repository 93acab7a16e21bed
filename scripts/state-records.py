#!/usr/bin/env python3
"""Prints the live build-state records of a tree, one line each, sorted: `output fingerprint input...`.

Reads `.imgmake/snapshot` (the binary format `StateSnapshot` documents) and the text journals `.imgmake/log*`
over it, as imgmake does: a journal's record replaces the snapshot's, an `x` line removes the output. For the
stress script, which compares the state of two builds. Usage: state-records.py TREE
"""
import glob
import os
import struct
import sys


def snapshot_records(path):
    records = {}
    try:
        data = open(path, "rb").read()
    except FileNotFoundError:
        return records
    if len(data) < 64 or data[:8] != b"IMGMKSNP":
        sys.exit(f"{path}: not a snapshot")
    count, slots, offset, length = struct.unpack_from("<QQQQ", data, 16)
    end = offset + length
    position = offset
    while position + 12 <= end and len(records) < count:
        size, _checksum, key_length = struct.unpack_from("<III", data, position)
        if size == 0:
            break
        at = position + 12
        key = data[at:at + key_length].decode()
        at += key_length
        _built, _mtime, _size, fingerprint = struct.unpack_from("<qqqQ", data, at)
        at += 32

        def string(at):
            (n,) = struct.unpack_from("<I", data, at)
            if n == 0xFFFFFFFF:
                return None, at + 4
            return data[at + 4:at + 4 + n].decode(), at + 4 + n

        _recipe, at = string(at)
        _digest, at = string(at)
        (inputs,) = struct.unpack_from("<I", data, at)
        at += 4
        names = []
        for _ in range(inputs):
            name, at = string(at)
            at += 16
            _d, at = string(at)
            names.append(name)
        records[key] = " ".join([key, f"{fingerprint:016x}"] + names)
        position += (size + 7) // 8 * 8
    return records


def main():
    state = os.path.join(sys.argv[1], ".imgmake")
    records = snapshot_records(os.path.join(state, "snapshot"))
    for log in sorted(glob.glob(os.path.join(state, "log*"))):
        for line in open(log, encoding="utf-8", errors="replace"):
            fields = line.rstrip("\n").split("\t")
            kind = fields[0]
            if kind == "x" and len(fields) >= 3:
                records.pop(fields[2], None)
            elif kind in ("r", "R", "h", "H"):
                digest = 1 if kind in ("h", "H") else 0
                fp = 5 + digest
                first = fp + (2 if kind in ("R", "H") else 1) + 1
                names = [fields[i] for i in range(first, len(fields) - 1, 4)]
                records[fields[2]] = " ".join([fields[2], fields[fp]] + names)
    for line in sorted(records.values()):
        print(line)


main()

"""Calibration of bead scores: how often a bead of a given score is exactly a gold link.

usage: calibration.py GOLD JSONL

GOLD is a Vecalign-format alignment (`[8, 9]:[10, 11, 12]` per line; a third `:cost`
field is ignored). JSONL is `bitalign align -f jsonl` output, one record per bead with
`src_idx`, `tgt_idx` and `score`. A bead matches when both index lists equal those of a
gold link, compared as written (the same test as strict precision). Prints a markdown
table with one row per score band, highest first: [0.9, 1.0], [0.8, 0.9), ... [0.0, 0.1).
Standard library only.
"""

import json
import math
import sys


def parse_link(line):
    fields = line.strip().split(":")
    return tuple(json.loads(fields[0])), tuple(json.loads(fields[1]))


def read_gold(path):
    with open(path, encoding="utf-8") as f:
        return {parse_link(line) for line in f if line.strip()}


def band_of(score):
    """0 for [0.0, 0.1) ... 9 for [0.9, 1.0] (1.0 itself falls in the top band)."""
    return min(9, max(0, math.floor(score * 10)))


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    gold = read_gold(argv[1])
    beads = [0] * 10
    matches = [0] * 10
    with open(argv[2], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            b = band_of(float(rec["score"]))
            beads[b] += 1
            matches[b] += (tuple(rec["src_idx"]), tuple(rec["tgt_idx"])) in gold

    print("| score band | beads | exact gold link | share |")
    print("| --- | ---: | ---: | ---: |")
    for b in range(9, -1, -1):
        lo, hi = b / 10, (b + 1) / 10
        band = f"[{lo:.1f}, {hi:.1f}]" if b == 9 else f"[{lo:.1f}, {hi:.1f})"
        share = f"{matches[b] / beads[b]:.3f}" if beads[b] else "–"
        print(f"| {band} | {beads[b]} | {matches[b]} | {share} |")
    total, hit = sum(beads), sum(matches)
    share = f"{hit / total:.3f}" if total else "–"
    print(f"| all | {total} | {hit} | {share} |")


if __name__ == "__main__":
    main(sys.argv)

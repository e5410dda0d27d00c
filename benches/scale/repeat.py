"""Writes a long document pair by repeating a presegmented pair and its vecalign gold.

    python3 repeat.py SRC TGT GOLD TIMES OUTDIR

OUTDIR gets src.txt, tgt.txt and gold.txt; the k-th copy's gold links are shifted by k times
the sentence counts, so the gold of the long pair is the gold of each copy laid end to end.
"""
import sys
from pathlib import Path


def lines(path):
    return Path(path).read_text(encoding="utf-8").splitlines()


def shift(link, ds, dt):
    src, tgt = link.split(":")
    s = [int(x) + ds for x in src.strip("[] ").split(",") if x.strip()]
    t = [int(x) + dt for x in tgt.strip("[] ").split(",") if x.strip()]
    fmt = lambda xs: "[" + ", ".join(map(str, xs)) + "]"
    return fmt(s) + ":" + fmt(t)


def main():
    src, tgt, gold, times, out = sys.argv[1:6]
    s, t, g = lines(src), lines(tgt), [x for x in lines(gold) if x.strip()]
    times, out = int(times), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "src.txt", "w", encoding="utf-8") as fs, \
         open(out / "tgt.txt", "w", encoding="utf-8") as ft, \
         open(out / "gold.txt", "w", encoding="utf-8") as fg:
        for k in range(times):
            fs.write("\n".join(s) + "\n")
            ft.write("\n".join(t) + "\n")
            fg.write("\n".join(shift(x, k * len(s), k * len(t)) for x in g) + "\n")


if __name__ == "__main__":
    main()

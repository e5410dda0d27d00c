"""Short documents with a text gold (../shared/bench/tico19-en-ar-short and its kind): feed
each document to an aligner and score all of them together.

usage:
  short_docs.py segs DATA OUT        gold segmentation as one sentence per line:
                                     OUT/src/<doc>.txt, OUT/tgt/<doc>.txt (for --presegmented
                                     runs and for peers), in the folder layout `batch` reads
  short_docs.py pairs KIND SEGS HYP OUT
                                     turn a peer's alignment of each document into text pairs
                                     (OUT/<doc>.jsonl): KIND is `ladder` (hunalign: HYP/<doc>.ladder)
                                     or `vecalign` (HYP/<doc>.vecalign)
  short_docs.py score DATA HYP       HYP/<doc>.jsonl (bitalign -f jsonl or the pairs above):
                                     prints one JSON line: strict and tiled P/R/F1 as
                                     ../pairscore.py computes them, and the calibration of the
                                     two-sided pairs scored >= .9 (share exactly a gold link)

Only the standard library; pairscore.py is imported from beside the data.
"""

import io
import json
import os
import sys
import contextlib
import unicodedata


def norm(s):
    """As ../pairscore.py compares texts: NFC, whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", s).split())


def docs(data):
    return sorted(d for d in os.listdir(data) if os.path.isfile(os.path.join(data, d, "gold.json")))


def gold(data, doc):
    with open(os.path.join(data, doc, "gold.json"), encoding="utf-8") as f:
        return json.load(f)


def cmd_segs(data, out):
    for side in ("src", "tgt"):
        os.makedirs(os.path.join(out, side), exist_ok=True)
    for doc in docs(data):
        g = gold(data, doc)
        for side in ("src", "tgt"):
            with open(os.path.join(out, side, doc + ".txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(g[side + "_segments"]))


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def beads_from_ladder(path, n_src, n_tgt):
    rungs = []
    for line in open(path, encoding="utf-8"):
        parts = line.split("\t")
        if len(parts) >= 2:
            rungs.append((int(parts[0]), int(parts[1])))
    if not rungs or rungs[0] != (0, 0):
        rungs.insert(0, (0, 0))
    if rungs[-1] != (n_src, n_tgt):
        rungs.append((n_src, n_tgt))
    return [
        (list(range(a[0], b[0])), list(range(a[1], b[1])))
        for a, b in zip(rungs, rungs[1:])
        if b != a
    ]


def beads_from_vecalign(path):
    out = []
    for line in open(path, encoding="utf-8"):
        if line.strip():
            s, t = line.strip().split(":")
            out.append((json.loads(s), json.loads(t)))
    return out


def cmd_pairs(kind, segs, hyp, out):
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(os.path.join(segs, "src"))):
        doc = name[: -len(".txt")]
        src = read_lines(os.path.join(segs, "src", name))
        tgt = read_lines(os.path.join(segs, "tgt", name))
        if kind == "ladder":
            beads = beads_from_ladder(os.path.join(hyp, doc + ".ladder"), len(src), len(tgt))
        else:
            beads = beads_from_vecalign(os.path.join(hyp, doc + ".vecalign"))
        with open(os.path.join(out, doc + ".jsonl"), "w", encoding="utf-8") as f:
            for s, t in beads:
                rec = {"src": " ".join(src[i] for i in s), "tgt": " ".join(tgt[j] for j in t)}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def cmd_score(data, hyp):
    args = []
    calib_n = calib_ok = 0
    for doc in docs(data):
        h = os.path.join(hyp, doc + ".jsonl")
        if not os.path.exists(h):
            open(h, "w").close()
        args += [os.path.join(data, doc, "gold.json"), h]
        g = gold(data, doc)
        links = {
            (norm(" ".join(g["src_segments"][i] for i in s)), norm(" ".join(g["tgt_segments"][j] for j in t)))
            for s, t in g["links"]
            if s and t
        }
        for line in open(h, encoding="utf-8"):
            if not line.strip():
                continue
            r = json.loads(line)
            if r.get("src") and r.get("tgt") and r.get("score", 0) >= 0.9:
                calib_n += 1
                calib_ok += (norm(r["src"]), norm(r["tgt"])) in links
    scorer = os.path.join(data, "..", "pairscore.py")
    buf = io.StringIO()
    argv = sys.argv
    sys.argv = [scorer] + args
    try:
        with contextlib.redirect_stdout(buf):
            with open(scorer, encoding="utf-8") as f:
                exec(compile(f.read(), scorer, "exec"), {"__name__": "__main__"})
    finally:
        sys.argv = argv
    result = json.loads(buf.getvalue().strip().splitlines()[-1])
    result["sure_pairs"] = calib_n
    result["sure_exact"] = round(calib_ok / calib_n, 4) if calib_n else None
    print(json.dumps(result))


def main():
    a = sys.argv[1:]
    if a[:1] == ["segs"] and len(a) == 3:
        cmd_segs(a[1], a[2])
    elif a[:1] == ["pairs"] and len(a) == 5:
        cmd_pairs(a[1], a[2], a[3], a[4])
    elif a[:1] == ["score"] and len(a) == 3:
        cmd_score(a[1], a[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

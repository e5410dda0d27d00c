"""Cuts a presegmented document pair and its Vecalign gold into K pieces at gold bead
boundaries, so one long document becomes a small corpus for `bitalign batch`; and joins the
pieces' hypotheses back into one file scored against the whole gold (the same counts as
micro-averaging over the pieces). Standard library only.

    python3 split_dev.py split SRC TGT GOLD K OUT SRC_LANG TGT_LANG
    python3 split_dev.py join OUT HYP_DIR EXT > joined.hyp

`split` writes OUT/corpus/<SRC_LANG>/NN.txt and OUT/corpus/<TGT_LANG>/NN.txt (one sentence
per line), OUT/gold/NN.txt (the piece's gold links, indices re-based to 0) and OUT/offsets
(the first source and target index of each piece). A cut is placed before the first
two-sided gold bead at or after each K-th of the source sentences, so no gold bead is split.
`join` reads HYP_DIR/NN.EXT (Vecalign links of each piece) and prints them with the offsets
added back. tests/accuracy.rs cuts the same way in Rust.
"""
import ast
import os
import sys


def links(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line:
            s, t = line.split(":")[:2]
            out.append((ast.literal_eval(s), ast.literal_eval(t)))
    return out


def split(src_path, tgt_path, gold_path, k, out, sl, tl):
    src = open(src_path, encoding="utf-8").read().splitlines()
    tgt = open(tgt_path, encoding="utf-8").read().splitlines()
    gold = links(gold_path)
    starts, i, j = [], 0, 0  # (source, target) position before each bead
    for s, t in gold:
        starts.append((i, j))
        i, j = (s[-1] + 1 if s else i), (t[-1] + 1 if t else j)
    starts.append((len(src), len(tgt)))
    cuts = [0]
    for p in range(1, int(k)):
        want = p * len(src) // int(k)
        b = next((b for b in range(cuts[-1] + 1, len(gold))
                  if starts[b][0] >= want and gold[b][0] and gold[b][1]), None)
        if b is not None:
            cuts.append(b)
    cuts.append(len(gold))
    for d in (os.path.join("corpus", sl), os.path.join("corpus", tl), "gold"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    with open(os.path.join(out, "offsets"), "w") as offsets:
        for n, (a, b) in enumerate(zip(cuts, cuts[1:])):
            (i0, j0), (i1, j1) = starts[a], starts[b]
            name = "%02d.txt" % n
            offsets.write("%s %d %d\n" % (name[:-4], i0, j0))
            for lang, lines in ((sl, src[i0:i1]), (tl, tgt[j0:j1])):
                with open(os.path.join(out, "corpus", lang, name), "w", encoding="utf-8") as f:
                    f.write("".join(x + "\n" for x in lines))
            with open(os.path.join(out, "gold", name), "w", encoding="utf-8") as f:
                for s, t in gold[a:b]:
                    f.write("%s:%s\n" % ([x - i0 for x in s], [x - j0 for x in t]))


def join(out, hyp_dir, ext):
    for line in open(os.path.join(out, "offsets")):
        name, i0, j0 = line.split()
        for s, t in links(os.path.join(hyp_dir, "%s.%s" % (name, ext))):
            print("%s:%s" % ([x + int(i0) for x in s], [x + int(j0) for x in t]))


if __name__ == "__main__":
    if len(sys.argv) == 9 and sys.argv[1] == "split":
        split(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "join":
        join(*sys.argv[2:])
    else:
        sys.exit(__doc__)

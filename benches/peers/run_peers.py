"""Align a one-sentence-per-line document pair with a peer Gale-Church aligner.

usage: run_peers.py {galechurch,nltk} SRC TGT OUT
       run_peers.py {galechurch,nltk} SRC_DIR TGT_DIR OUT_DIR   (every SRC_DIR/<doc>.txt with
                                        TGT_DIR/<doc>.txt, into OUT_DIR/<doc>.vecalign)

Writes the alignment to OUT in Vecalign format (`[0, 1]:[2]` per line, `[i]:[]` and
`[]:[j]` for unaligned sentences) and prints on stdout the seconds the alignment took
(reading, aligning, writing; interpreter start and the package import not counted).

Runs in the throwaway virtual environment that benches/accuracy.sh makes, where the
peer packages are installed; this file itself needs only the standard library besides.

Both peers see the same sentence lengths: the number of non-space characters, which is
what galechurch computes itself (ported from the original `align` program) and what we
hand to nltk, whose align_blocks takes lengths rather than sentences.
"""

import os
import sys
import time


def read_sentences(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def char_length(sentence):
    return len(sentence.replace(" ", ""))


def align_galechurch(src, tgt):
    """PyPI `galechurch`: align() returns beads as half-open index ranges."""
    import galechurch

    result = galechurch.align(src, tgt)
    return [
        (list(range(b.source_start, b.source_end)), list(range(b.target_start, b.target_end)))
        for b in result.beads
    ]


def align_nltk(src, tgt):
    """nltk's align_blocks: returns (i, j) sentence pairs; 1-0 and 0-1 beads leave none."""
    from nltk.translate.gale_church import align_blocks

    pairs = align_blocks([char_length(s) for s in src], [char_length(s) for s in tgt])
    return pairs_to_beads(pairs, len(src), len(tgt))


def pairs_to_beads(pairs, n_src, n_tgt):
    """Groups connected (i, j) pairs into beads and adds the sentences no pair names as
    one-sided beads, in document order."""
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        parent[find(("s", i))] = find(("t", j))

    groups = {}
    for i, j in pairs:
        s, t = groups.setdefault(find(("s", i)), (set(), set()))
        s.add(i)
        t.add(j)
    beads = sorted(((sorted(s), sorted(t)) for s, t in groups.values()), key=lambda b: (b[0][0], b[1][0]))

    aligned_src = {i for i, _ in pairs}
    aligned_tgt = {j for _, j in pairs}
    out = []
    next_s = next_t = 0

    def flush(upto_s, upto_t):
        nonlocal next_s, next_t
        for i in range(next_s, upto_s):
            if i not in aligned_src:
                out.append(([i], []))
        for j in range(next_t, upto_t):
            if j not in aligned_tgt:
                out.append(([], [j]))
        next_s = max(next_s, upto_s)
        next_t = max(next_t, upto_t)

    for s, t in beads:
        flush(s[0], t[0])
        out.append((s, t))
        next_s = max(next_s, s[-1] + 1)
        next_t = max(next_t, t[-1] + 1)
    flush(n_src, n_tgt)

    # A non-monotone result could skip an unaligned sentence above; keep every one.
    emitted_s = {i for s, _ in out for i in s}
    emitted_t = {j for _, t in out for j in t}
    out += [([i], []) for i in range(n_src) if i not in emitted_s]
    out += [([], [j]) for j in range(n_tgt) if j not in emitted_t]
    return out


PEERS = {"galechurch": align_galechurch, "nltk": align_nltk}


def main(argv):
    if len(argv) != 5 or argv[1] not in PEERS:
        sys.exit(__doc__)
    peer, src_path, tgt_path, out_path = argv[1:]
    align = PEERS[peer]
    # Import before the clock starts: only the alignment is timed.
    __import__({"galechurch": "galechurch", "nltk": "nltk.translate.gale_church"}[peer])

    start = time.perf_counter()
    if os.path.isdir(src_path):
        os.makedirs(out_path, exist_ok=True)
        for name in sorted(os.listdir(src_path)):
            doc = os.path.splitext(name)[0]
            align_file(align, os.path.join(src_path, name), os.path.join(tgt_path, name),
                       os.path.join(out_path, doc + ".vecalign"))
    else:
        align_file(align, src_path, tgt_path, out_path)
    print(f"{time.perf_counter() - start:.2f}")


def align_file(align, src_path, tgt_path, out_path):
    src, tgt = read_sentences(src_path), read_sentences(tgt_path)
    beads = align(src, tgt)
    with open(out_path, "w", encoding="utf-8") as f:
        for s, t in beads:
            f.write(f"{s}:{t}\n")


if __name__ == "__main__":
    main(sys.argv)

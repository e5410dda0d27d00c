"""Turn a Hugging Face `datasets` table of document pairs into sentence pairs with `map`.

Usage: python datasets_map.py FOLDER   (a folder laid out as corpora/docs/: en/X.txt, de/X.txt)
"""

import sys
from pathlib import Path

from datasets import Dataset

import bitalign

folder = Path(sys.argv[1])
docs = [
    {"src": s.read_text(encoding="utf-8"), "tgt": t.read_text(encoding="utf-8"), "id": s.stem}
    for s in sorted((folder / "en").glob("*.txt"))
    for t in [folder / s.stem.split("-")[0] / s.name]
    if t.exists()
]
ds = Dataset.from_list(docs)


def to_sentence_pairs(batch):
    """A batch of documents in, its sentence pairs out (rows may grow: a batched map allows it)."""
    out = {"id": [], "src": [], "tgt": [], "score": []}
    pairs = zip(batch["src"], batch["tgt"], batch["id"])
    for beads in bitalign.align_many(pairs, one_sided=False):
        for b in beads:
            out["id"].append(b.pair_id)
            out["src"].append(b.src)
            out["tgt"].append(b.tgt)
            out["score"].append(b.score)
    return out


sentences = ds.map(to_sentence_pairs, batched=True, batch_size=64, remove_columns=ds.column_names)
good = sentences.filter(lambda row: row["score"] >= 0.9)
print(f"{len(ds)} documents -> {len(sentences)} sentence pairs, {len(good)} scored >= 0.9")

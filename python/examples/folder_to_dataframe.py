"""Align a folder of document pairs into one pandas DataFrame of sentence pairs.

The folder holds one subfolder per language with documents of the same name, as
corpora/docs/ does: en/report.txt is aligned with de/report.txt, fr/report.txt, ...
Usage: python folder_to_dataframe.py FOLDER [SOURCE_LANG]
"""

import sys
from pathlib import Path

import pandas as pd

import bitalign

folder = Path(sys.argv[1])
src_lang = sys.argv[2] if len(sys.argv) > 2 else "en"

jobs = []  # (source file, target file, target language)
for src in sorted((folder / src_lang).glob("*.txt")):
    for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != src_lang):
        if (lang_dir / src.name).exists():
            jobs.append((src, lang_dir / src.name, lang_dir.name))

pairs = ((s.read_text(encoding="utf-8"), t.read_text(encoding="utf-8"), s.stem) for s, t, _ in jobs)
rows = []
# All cores, results in input order; one-sided beads (no counterpart) left out.
for (_, _, lang), beads in zip(jobs, bitalign.align_many(pairs, src_lang=src_lang, one_sided=False)):
    rows += [dict(b.to_dict(), tgt_lang=lang) for b in beads]

df = pd.DataFrame(rows, columns=["pair_id", "tgt_lang", "src", "tgt", "score"])
print(f"{len(jobs)} documents, {len(df)} sentence pairs, mean score {df.score.mean():.3f}")
print(df.groupby("tgt_lang").size().to_string())

#!/usr/bin/env python3
"""Align a corpus on Spark by piping document pairs through `bitalign stream`.

Each partition of an RDD of JSON lines (one document pair per line) is fed to one
`bitalign stream` process with `RDD.pipe`; its bead records become a Parquet table and its
doc records tell which pairs failed. `bitalign` must be on every worker (here: local mode).

    python3 examples/spark/align_corpus.py --corpus corpora/docs --out beads.parquet \
        --bitalign target/release/bitalign

The corpus is a folder with one subfolder per language (en/, fr/, ...) holding same-named
files, as for `bitalign batch`. On a real cluster the pairs would be read from distributed
storage by the executors; this example reads them in the driver to stay self-contained.
"""

import argparse
import json
import os
import shlex
import sys

from pyspark.sql import SparkSession
from pyspark.sql.types import (ArrayType, DoubleType, IntegerType, StringType,
                               StructField, StructType)

BEAD_SCHEMA = StructType([
    StructField("pair_id", StringType(), False),
    StructField("src", StringType(), False),
    StructField("tgt", StringType(), False),
    StructField("src_idx", ArrayType(IntegerType()), False),
    StructField("tgt_idx", ArrayType(IntegerType()), False),
    StructField("score", DoubleType(), False),
])


def corpus_lines(corpus, src_lang):
    """One JSON line per document pair of a folder corpus (src_lang/ against each other)."""
    src_dir = os.path.join(corpus, src_lang)
    for lang in sorted(os.listdir(corpus)):
        tgt_dir = os.path.join(corpus, lang)
        if lang == src_lang or lang.startswith(".") or not os.path.isdir(tgt_dir):
            continue
        for name in sorted(os.listdir(tgt_dir)):
            src_path = os.path.join(src_dir, name)
            if not os.path.isfile(src_path):
                continue
            with open(src_path, encoding="utf-8", errors="replace") as f:
                src = f.read()
            with open(os.path.join(tgt_dir, name), encoding="utf-8", errors="replace") as f:
                tgt = f.read()
            stem = os.path.splitext(name)[0]
            yield json.dumps({"pair_id": f"{lang}/{stem}", "src_lang": src_lang,
                              "tgt_lang": lang, "src": src, "tgt": tgt},
                             ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, help="folder with one subfolder per language")
    ap.add_argument("--out", required=True, help="Parquet output (a folder)")
    ap.add_argument("--src-lang", default="en")
    ap.add_argument("--bitalign", default="bitalign", help="path of the bitalign binary")
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--min-score", type=float, default=None)
    args = ap.parse_args()

    spark = (SparkSession.builder.master(f"local[{args.partitions}]")
             .appName("bitalign-stream").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        lines = list(corpus_lines(args.corpus, args.src_lang))
        cmd = [os.path.abspath(args.bitalign) if os.sep in args.bitalign else args.bitalign,
               "stream", "--jobs", "1"]
        if args.min_score is not None:
            cmd += ["--min-score", str(args.min_score)]
        # One bitalign process per partition; checkCode fails the task on a crash, while a
        # bad pair comes back as an error doc record (bitalign exits 0).
        records = (spark.sparkContext.parallelize(lines, args.partitions)
                   .pipe(" ".join(shlex.quote(c) for c in cmd), checkCode=True)
                   .map(json.loads)
                   .cache())
        beads = records.filter(lambda r: r["type"] == "bead").map(
            lambda r: (r["pair_id"], r["src"], r["tgt"], r["src_idx"], r["tgt_idx"],
                       float(r["score"])))
        spark.createDataFrame(beads, BEAD_SCHEMA).write.mode("overwrite").parquet(args.out)
        docs = records.filter(lambda r: r["type"] == "doc").collect()
        failed = [d for d in docs if d["status"] != "ok"]
        for d in failed:
            print(f"failed: {d.get('pair_id')}: {d.get('error')}", file=sys.stderr)
        n_beads = sum(d["n_beads"] for d in docs)
        print(f"{len(docs)} pairs: {len(docs) - len(failed)} ok, {len(failed)} failed; "
              f"{n_beads} beads written to {args.out}")
        return 1 if failed else 0
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())

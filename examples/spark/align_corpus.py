#!/usr/bin/env python3
"""Align a corpus on Spark with `bitalign`, giving exactly the beads of `bitalign batch`.

Two stages, as `batch` works on one machine:

1. Learn the corpus lexicon: an even sample of the pairs (every ceil(N/10000)-th, the sample
   `batch` takes) goes to one task that runs `bitalign lexicon learn`; the file comes back to
   the driver and is shipped to every executor with `SparkContext.addFile`.
2. Align: each partition of pairs is piped through `bitalign stream --lexicon FILE`. Its
   bead records become a Parquet table, its doc records another one: a pair that fails
   (unreadable file, empty text, even a crashed `bitalign`) is an error row there, never lost.

The executors read the pairs: `--pairs` names a JSON Lines file of `bitalign stream` input
(texts, sentences or file paths per pair) that Spark reads from any storage it knows (a
local path, hdfs://, s3a://...); `--corpus DIR` lists a folder corpus as `batch` does
(`bitalign pairs DIR`: file paths only, which the executors open, so on a cluster DIR must be
on a file system every executor mounts). `bitalign` must be on every executor.

    python3 examples/spark/align_corpus.py --corpus corpora/docs --out out/ \\
        --bitalign target/release/bitalign

writes out/beads (Parquet: pair_id, src, tgt, src_idx, tgt_idx, score, pair_index, bead)
and out/docs (Parquet: one row per pair, status ok|error); --jsonl FILE also writes the beads
in `batch -f jsonl` form and order (collected in the driver: for checks on small corpora).
Exit status 0 when every pair aligned, 1 when some failed (their rows say why), 2 on errors.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql.types import (ArrayType, DoubleType, IntegerType, LongType, StringType,
                               StructField, StructType)

# `bitalign batch`'s first pass aligns at most this many pairs (CorpusLexicon::harvest_pairs);
# `lexicon learn --sampled-from` refuses a sample taken with another step.
HARVEST_PAIRS = 10_000
LEXICON_NAME = "bitalign-lexicon.bin"

BEAD_SCHEMA = StructType([
    StructField("pair_id", StringType(), False),
    StructField("src", StringType(), False),
    StructField("tgt", StringType(), False),
    StructField("src_idx", ArrayType(IntegerType()), False),
    StructField("tgt_idx", ArrayType(IntegerType()), False),
    StructField("score", DoubleType(), True),
    StructField("pair_index", LongType(), False),
    StructField("bead", IntegerType(), False),
])

DOC_SCHEMA = StructType([
    StructField("pair_id", StringType(), True),
    StructField("status", StringType(), False),
    StructField("error", StringType(), True),
    StructField("n_beads", LongType(), False),
    StructField("src_lang", StringType(), True),
    StructField("tgt_lang", StringType(), True),
    StructField("pair_index", LongType(), False),
])


def run_bitalign(cmd, lines):
    """Runs `cmd` with `lines` on stdin; returns (stdout lines, exit code, stderr tail).
    Input is written from a thread so a full stdout pipe cannot deadlock the task."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def feed():
        try:
            for line in lines:
                proc.stdin.write(line.encode("utf-8") + b"\n")
        except BrokenPipeError:
            pass  # the process died; its exit code says so
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = proc.stdout.read()
    err = proc.stderr.read()
    writer.join()
    code = proc.wait()
    return out, code, err.decode("utf-8", "replace").strip()[-500:]


def learn_partition(bitalign, options, corpus_pairs):
    """Stage 1 in one task: the sample's lines into `bitalign lexicon learn`; yields the file's
    bytes (the driver ships them to every executor)."""
    def run(rows):
        lines = [line for _, line in rows]
        tmp = tempfile.mkdtemp(prefix="bitalign-lex-")
        try:
            path = os.path.join(tmp, LEXICON_NAME)
            cmd = [bitalign, "lexicon", "learn", "--pairs", "-",
                   "--sampled-from", str(corpus_pairs), "-o", path] + options
            _, code, err = run_bitalign(cmd, lines)
            if code != 0:
                raise RuntimeError(f"bitalign lexicon learn failed ({code}): {err}")
            with open(path, "rb") as f:
                yield f.read()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return run


def align_partition(bitalign, options, use_lexicon):
    """Stage 2: a partition's (index, line) rows through `bitalign stream`; yields bead and
    doc records tagged with the pair's index. A pair without its doc record (the process
    died) gets an error record instead of vanishing."""
    def run(rows):
        rows = list(rows)
        if not rows:
            return
        cmd = [bitalign, "stream", "--jobs", "1"] + options
        if use_lexicon:
            cmd += ["--lexicon", SparkFiles.get(LEXICON_NAME)]
        out, code, err = run_bitalign(cmd, [line for _, line in rows])
        # stream writes a pair's beads, then its doc record, pair after pair in input order.
        pending, k = [], 0
        for raw in out.splitlines():
            rec = json.loads(raw)
            if rec["type"] == "bead":
                pending.append(rec)
                continue
            index = rows[k][0]
            for n, bead in enumerate(pending):
                bead["pair_index"], bead["bead"] = index, n
                yield bead
            rec["pair_index"] = index
            yield rec
            pending, k = [], k + 1
        for index, line in rows[k:]:
            yield {"type": "doc", "pair_id": pair_id_of(line), "status": "error",
                   "error": f"bitalign stream exited with {code} before this pair: {err}",
                   "n_beads": 0, "pair_index": index}
    return run


def pair_id_of(line):
    try:
        v = json.loads(line).get("pair_id")
        return None if v is None else str(v)
    except (ValueError, AttributeError):
        return None


def bitalign_options(args):
    opts = []
    if args.min_score is not None:
        opts += ["--min-score", str(args.min_score)]
    return opts


def input_lines(spark, args, work):
    """The pairs as an RDD of (index, line) in corpus order, read by the executors."""
    path = args.pairs
    if args.corpus:
        # Paths only: the executors open the documents.
        path = os.path.join(work, "pairs.jsonl")
        with open(path, "wb") as f:
            subprocess.run([args.bitalign, "pairs", args.corpus, "--src-lang", args.src_lang],
                           stdout=f, check=True)
    if "://" not in path:
        path = "file://" + os.path.abspath(path)
    lines = spark.sparkContext.textFile(path, args.partitions)
    # Blank lines are no pairs (as for `bitalign stream`); indices count pairs.
    return lines.filter(lambda l: l.strip()).zipWithIndex().map(lambda x: (x[1], x[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--corpus", help="folder with one subfolder per language")
    src.add_argument("--pairs", help="JSON Lines of bitalign stream input (any Spark path)")
    ap.add_argument("--out", required=True, help="output folder (beads/ and docs/ Parquet)")
    ap.add_argument("--jsonl", help="also write the beads as `batch -f jsonl` does")
    ap.add_argument("--src-lang", default="en", help="source language folder of --corpus")
    ap.add_argument("--bitalign", default="bitalign", help="path of the bitalign binary")
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--min-score", type=float, default=None)
    ap.add_argument("--no-lexicon", action="store_true",
                    help="one stage: each pair learns its own lexicon (not batch's beads)")
    args = ap.parse_args()
    if os.sep in args.bitalign:
        args.bitalign = os.path.abspath(args.bitalign)

    # The executors' Python is this one (a virtualenv's, say).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(f"local[{args.partitions}]")
             .appName("bitalign").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    work = tempfile.mkdtemp(prefix="bitalign-spark-")
    try:
        return align(spark, args, work)
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)


def align(spark, args, work):
    sc = spark.sparkContext
    pairs = input_lines(spark, args, work).cache()
    n = pairs.count()
    options = bitalign_options(args)
    if not args.no_lexicon:
        step = max(1, -(-n // HARVEST_PAIRS))
        learned = (pairs.filter(lambda r: r[0] % step == 0)
                   .coalesce(1)  # keeps the order: the sample is learned in corpus order
                   .mapPartitions(learn_partition(args.bitalign, [], n))
                   .collect())
        lexicon = os.path.join(work, LEXICON_NAME)
        with open(lexicon, "wb") as f:
            f.write(learned[0])
        sc.addFile(lexicon)
    records = pairs.mapPartitions(
        align_partition(args.bitalign, options, not args.no_lexicon)).cache()
    beads = records.filter(lambda r: r["type"] == "bead").map(
        lambda r: (r["pair_id"], r["src"], r["tgt"], r["src_idx"], r["tgt_idx"],
                   None if r.get("score") is None else float(r["score"]),
                   r["pair_index"], r["bead"]))
    beads_df = spark.createDataFrame(beads, BEAD_SCHEMA)
    beads_df.write.mode("overwrite").parquet(os.path.join(args.out, "beads"))
    docs = records.filter(lambda r: r["type"] == "doc").map(
        lambda r: (r.get("pair_id"), r["status"], r.get("error"), int(r["n_beads"]),
                   r.get("src_lang"), r.get("tgt_lang"), r["pair_index"]))
    docs_df = spark.createDataFrame(docs, DOC_SCHEMA)
    docs_df.write.mode("overwrite").parquet(os.path.join(args.out, "docs"))

    if args.jsonl:
        write_jsonl(beads_df, args.jsonl)
    # One row per pair: small enough for the driver, and the only job the summary needs.
    docs = docs_df.orderBy("pair_index").collect()
    failed = [d for d in docs if d.status != "ok"]
    for d in failed:
        print(f"failed: {d.pair_id}: {d.error}", file=sys.stderr)
    n_beads = sum(d.n_beads for d in docs)
    lexicon = "" if args.no_lexicon else " with the corpus lexicon"
    print(f"{len(docs)} pairs: {len(docs) - len(failed)} ok, {len(failed)} failed; "
          f"{n_beads} beads{lexicon} written to {args.out}")
    if len(docs) != n:
        print(f"error: {n} pairs in, {len(docs)} doc records out", file=sys.stderr)
        return 2
    return 1 if failed else 0


def write_jsonl(beads_df, path):
    """The beads in `batch -f jsonl --merge` form and order."""
    with open(path, "w", encoding="utf-8") as f:
        for r in beads_df.orderBy("pair_index", "bead").toLocalIterator():
            rec = {"src": r.src, "tgt": r.tgt, "src_idx": list(r.src_idx),
                   "tgt_idx": list(r.tgt_idx)}
            if r.score is not None:
                rec["score"] = r.score
            rec["pair_id"] = r.pair_id
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())

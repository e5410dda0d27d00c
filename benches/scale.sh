#!/usr/bin/env bash
# Scaling benchmark: time, CPU and peak memory of `bitalign align` on long document pairs
# made by repeating the Text+Berg dev pair (../shared/bench/textberg-dev) and its gold
# (benches/scale/repeat.py), with strict F1 against the repeated gold, and the growth ratio
# of each size against the previous one (linear time and memory: ratio ≈ size ratio).
#
#   bash benches/scale.sh                       # 10k, 20k, 100k, 200k sentences
#   SIZES="10000 100000 1000000" bash benches/scale.sh
#   PEER=1 bash benches/scale.sh                # also PyPI galechurch on dev ×1, ×4, ×8
#                                               # (PEER_COPIES; temporary venv)
#   BIN=/path/to/bitalign bash benches/scale.sh  # a given binary (no build)
#   RUNS=5 bash benches/scale.sh                # each size 5 times: median wall and CPU,
#                                               # highest peak memory (default 1)
#
# Prints one markdown table on stdout; progress on stderr. Sizes are source sentences
# (the dev source has 468; the target side is ~18% longer). Data goes to a temporary folder
# (BENCH_OUT keeps it). Wall time is noisy on a shared machine: the CPU column (user+sys)
# and peak RSS (GNU time) are the figures to compare.
set -uo pipefail
cd "$(dirname "$0")/.."

DEV=${DEV:-../shared/bench/textberg-dev}
SIZES=${SIZES:-10000 20000 100000 200000}
BIN=${BIN:-target/release/bitalign}
for f in dev.de dev.fr dev.defr; do
  if [ ! -f "$DEV/$f" ]; then
    echo "scale.sh: skipped: $DEV/$f not found (the shared bench data is absent)"
    exit 0
  fi
done
if [ ! -x /usr/bin/time ]; then
  echo "scale.sh: skipped: GNU time (/usr/bin/time) is needed for peak memory"
  exit 0
fi
OUT=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$OUT"
[ -n "${BENCH_OUT:-}" ] || trap 'rm -rf "$OUT"' EXIT
log() { echo "scale.sh: $*" >&2; }

if [ "$BIN" = target/release/bitalign ]; then
  log "building"
  cargo build --release -q || { echo "scale.sh: build failed"; exit 1; }
fi
per_copy=$(wc -l < "$DEV/dev.de")

echo "| source sentences | target sentences | wall s | CPU s | peak RSS MiB | strict F1 | time ratio | memory ratio |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
prev_cpu= prev_rss=
for size in $SIZES; do
  times=$(( (size + per_copy - 1) / per_copy ))
  d=$OUT/x$times
  python3 benches/scale/repeat.py "$DEV/dev.de" "$DEV/dev.fr" "$DEV/dev.defr" "$times" "$d"
  n=$(wc -l < "$d/src.txt"); m=$(wc -l < "$d/tgt.txt")
  log "aligning $n × $m sentences"
  : > "$d/times"
  for _ in $(seq "${RUNS:-1}"); do
    if ! /usr/bin/time -f "%e %U %S %M" -o "$d/time" "$BIN" align --presegmented "$d/src.txt" \
        "$d/tgt.txt" --src-lang de --tgt-lang fr -f vecalign -o "$d/hyp" 2> "$d/err"; then
      break
    fi
    tail -n 1 "$d/time" >> "$d/times"
  done
  if [ "$(wc -l < "$d/times")" -lt "${RUNS:-1}" ]; then
    echo "| $n | $m | failed: $(tail -n 1 "$d/err") | | | | | |"
    continue
  fi
  # Median wall and CPU (user + sys) over the runs, highest peak memory.
  median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  wall=$(awk '{ print $1 }' "$d/times" | median)
  cpu=$(awk '{ printf "%.1f\n", $2 + $3 }' "$d/times" | median)
  rss=$(awk '{ print $4 }' "$d/times" | sort -n | tail -n 1)
  mib=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
  f1=$("$BIN" eval --gold "$d/gold.txt" --hyp "$d/hyp" --json | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["strict"]["f1"])')
  if [ -n "$prev_cpu" ]; then
    tr=$(awk -v a="$cpu" -v b="$prev_cpu" 'BEGIN { printf "%.1f×", a / b }')
    mr=$(awk -v a="$rss" -v b="$prev_rss" 'BEGIN { printf "%.1f×", a / b }')
  else
    tr=–; mr=–
  fi
  echo "| $n | $m | $wall | $cpu | $mib | $f1 | $tr | $mr |"
  prev_cpu=$cpu prev_rss=$rss
  rm -f "$d/src.txt" "$d/tgt.txt"
done

if [ -n "${PEER:-}" ]; then
  # PyPI galechurch (Rust core, full quadratic DP with a cell cap) on the sizes it accepts.
  V=$(mktemp -d)
  if python3 -m venv "$V" >/dev/null 2>&1 && "$V/bin/pip" install -q galechurch >/dev/null 2>&1; then
    f1_of() { "$BIN" eval --gold "$1" --hyp "$2" --json | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["strict"]["f1"])'; }
    echo
    echo "| dev copies | source × target | galechurch s | galechurch F1 | bitalign s | bitalign F1 | bitalign faster by |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for copies in ${PEER_COPIES:-1 4 8}; do
      d=$OUT/peer$copies
      python3 benches/scale/repeat.py "$DEV/dev.de" "$DEV/dev.fr" "$DEV/dev.defr" "$copies" "$d"
      n=$(wc -l < "$d/src.txt"); m=$(wc -l < "$d/tgt.txt")
      log "galechurch and bitalign on $n × $m sentences"
      if peer=$("$V/bin/python" benches/peers/run_peers.py galechurch "$d/src.txt" "$d/tgt.txt" "$d/gc.hyp" 2> "$d/gc.err"); then
        peer_f1=$(f1_of "$d/gold.txt" "$d/gc.hyp")
      else
        peer="failed: $(tail -n 1 "$d/gc.err" | cut -c1-80)"; peer_f1=–
      fi
      /usr/bin/time -f "%e" -o "$d/time" "$BIN" align --presegmented "$d/src.txt" "$d/tgt.txt" \
        --src-lang de --tgt-lang fr -f vecalign -o "$d/hyp" 2>/dev/null
      ours=$(tail -n 1 "$d/time")
      ratio=$(awk -v a="$peer" -v b="$ours" 'BEGIN { if (a + 0 > 0) printf "%.1f×", a / b; else print "–" }')
      echo "| $copies | $n × $m | $peer | $peer_f1 | $ours | $(f1_of "$d/gold.txt" "$d/hyp") | $ratio |"
    done
    echo
    echo "galechurch seconds are its alignment call alone (no interpreter start or import);"
    echo "bitalign seconds are the whole command (reading, segmenting, aligning, writing)."
  else
    echo "galechurch: could not install into a virtual environment"
  fi
  rm -rf "$V"
fi

#!/usr/bin/env bash
# Journal overhead: wall time of `bitalign batch` on PAIRS small document pairs (default
# 10,000: the first LINES lines of each pair of corpora/docs, under numbered names) with the
# journal (the default: one CRC'd line appended per pair, synced at most a second later, plus
# the digest of each output) and without it (the hidden --no-journal). The two are run alternately, RUNS
# times each (default 3), in the same invocation, so the ratio of the medians is measured on
# the same machine state.
#
#   bash benches/journal.sh
#   PAIRS=2000 RUNS=5 bash benches/journal.sh
#   BIN=/path/to/bitalign bash benches/journal.sh   # a given binary (no build)
#
# Output goes to a temporary folder on the disk of $TMPDIR (BENCH_OUT keeps it). Prints one
# markdown table on stdout; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

PAIRS=${PAIRS:-10000}
RUNS=${RUNS:-3}
LINES=${LINES:-6}
BIN=${BIN:-target/release/bitalign}
[ "${BIN}" = target/release/bitalign ] && cargo build --release --quiet --bin bitalign
WORK=${BENCH_OUT:-$(mktemp -d)}
[ -n "${BENCH_OUT:-}" ] || trap 'rm -rf "$WORK"' EXIT

# The corpus: the pairs of corpora/docs cut to LINES lines, copied until there are PAIRS
# (written with shell builtins: 20,000 `head` processes take minutes on a loaded machine).
corpus="$WORK/corpus"
rm -rf "$corpus"
mkdir -p "$corpus/en"
mapfile -t docs < <(cd corpora/docs && find . -mindepth 2 -type f ! -path './en/*' | sort)
declare -A src_text tgt_text
for d in "${docs[@]}"; do
  mapfile -n "$LINES" -t lines < "corpora/docs/$d"
  tgt_text[$d]=$(printf '%s\n' "${lines[@]}")
  mapfile -n "$LINES" -t lines < "corpora/docs/en/$(basename "$d")"
  src_text[$d]=$(printf '%s\n' "${lines[@]}")
  mkdir -p "$corpus/$(basename "$(dirname "$d")")"
done
n=0
while [ "$n" -lt "$PAIRS" ]; do
  for d in "${docs[@]}"; do
    [ "$n" -lt "$PAIRS" ] || break
    lang=${d#./}
    lang=${lang%%/*}
    name="$(basename "$d" .txt)-$n.txt"
    printf '%s\n' "${tgt_text[$d]}" > "$corpus/$lang/$name"
    printf '%s\n' "${src_text[$d]}" > "$corpus/en/$name"
    n=$((n + 1))
  done
done
echo "journal.sh: $PAIRS pairs of $LINES lines in $corpus" >&2

run() { # run MODE: prints the wall seconds of one batch into a fresh output folder
  local out="$WORK/out-$1"
  rm -rf "$out"
  local extra=()
  [ "$1" = off ] && extra=(--no-journal)
  local t0 t1
  t0=$(date +%s.%N)
  "$BIN" batch "$corpus" -o "$out" --creation-date 20240101T000000Z "${extra[@]}" >/dev/null 2>&1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}'
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

on=()
off=()
for i in $(seq "$RUNS"); do
  off+=("$(run off)")
  on+=("$(run on)")
  echo "journal.sh: run $i: off ${off[-1]} s, on ${on[-1]} s" >&2
done
m_on=$(printf '%s\n' "${on[@]}" | median)
m_off=$(printf '%s\n' "${off[@]}" | median)
echo "| pairs | runs | journal off (median s) | journal on (median s) | overhead |"
echo "|---|---|---|---|---|"
printf '| %d | %d | %.2f | %.2f | %+.1f%% |\n' "$PAIRS" "$RUNS" "$m_off" "$m_on" \
  "$(awk -v a="$m_on" -v b="$m_off" 'BEGIN {print (a / b - 1) * 100}')"

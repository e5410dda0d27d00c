#!/usr/bin/env bash
# Flat memory for many documents: peak RSS and pairs per second of `bitalign batch` on SMALL
# (default 1,000) and LARGE (default 100,000) small document pairs (the first LINES lines of
# each pair of corpora/docs under numbered names, written to a temporary folder), with
# /usr/bin/time -v. The target: peak RSS grows by less than 1.5x from SMALL to LARGE.
#
#   bash benches/batch_memory.sh
#   SMALL=1000 LARGE=20000 bash benches/batch_memory.sh
#   BIN=/path/to/bitalign bash benches/batch_memory.sh   # a given binary (no build)
#
# Output goes to a temporary folder on the disk of $TMPDIR (BENCH_OUT keeps it). Prints one
# markdown table on stdout; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib/small_pairs.sh

SMALL=${SMALL:-1000}
LARGE=${LARGE:-100000}
LINES=${LINES:-6}
JOBS=${JOBS:-2}
BIN=${BIN:-target/release/bitalign}
[ "${BIN}" = target/release/bitalign ] && cargo build --release --quiet --bin bitalign
WORK=${BENCH_OUT:-$(mktemp -d)}
[ -n "${BENCH_OUT:-}" ] || trap 'rm -rf "$WORK"' EXIT

measure() { # measure PAIRS: prints "pairs peak_kib wall_s"
  local corpus="$WORK/corpus-$1" out="$WORK/out-$1"
  small_pairs "$corpus" "$1" "$LINES"
  echo "batch_memory.sh: $1 pairs of $LINES lines in $corpus" >&2
  rm -rf "$out"
  /usr/bin/time -v -o "$WORK/time-$1" "$BIN" batch "$corpus" -o "$out" -j "$JOBS" \
    --creation-date 20240101T000000Z >/dev/null 2>&1
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$1")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time-$1" |
    awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s}')
  echo "$1 $rss $wall"
  rm -rf "$corpus" "$out"
}

read -r n1 rss1 wall1 < <(measure "$SMALL")
echo "batch_memory.sh: $n1 pairs: $rss1 KiB peak, $wall1 s" >&2
read -r n2 rss2 wall2 < <(measure "$LARGE")
echo "batch_memory.sh: $n2 pairs: $rss2 KiB peak, $wall2 s" >&2
echo "| pairs | peak RSS (MiB) | wall (s) | pairs/s ($JOBS jobs) |"
echo "|---|---|---|---|"
for row in "$n1 $rss1 $wall1" "$n2 $rss2 $wall2"; do
  set -- $row
  awk -v n="$1" -v r="$2" -v w="$3" 'BEGIN {printf "| %d | %.1f | %.1f | %.0f |\n", n, r / 1024, w, n / w}'
done
awk -v a="$rss1" -v b="$rss2" -v n1="$n1" -v n2="$n2" \
  'BEGIN {printf "\nPeak RSS grows %.2fx from %d to %d pairs (target < 1.5x).\n", b / a, n1, n2}'

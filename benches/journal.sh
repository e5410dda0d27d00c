#!/usr/bin/env bash
# Journal overhead: wall time of `bitalign batch` on PAIRS small document pairs (default
# 10,000: the first LINES lines of each pair of corpora/docs, under numbered names) with the
# journal (the default: one CRC'd line appended per pair, synced at most a second later, plus
# the digest of each output) and without it (the hidden --no-journal). RUNS rounds (default
# 5), each one run without and one with the journal back to back (order alternating); the
# overhead reported is the median of the rounds' on/off ratios, in wall and in CPU time
# (user+sys, which the other jobs of a shared machine disturb less).
#
#   bash benches/journal.sh
#   PAIRS=2000 RUNS=5 bash benches/journal.sh
#   BIN=/path/to/bitalign bash benches/journal.sh   # a given binary (no build)
#
# Output goes to a temporary folder on the disk of $TMPDIR (BENCH_OUT keeps it). Prints one
# markdown table on stdout; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib/small_pairs.sh

PAIRS=${PAIRS:-10000}
RUNS=${RUNS:-5}
LINES=${LINES:-6}
BIN=${BIN:-target/release/bitalign}
[ "${BIN}" = target/release/bitalign ] && cargo build --release --quiet --bin bitalign
WORK=${BENCH_OUT:-$(mktemp -d)}
[ -n "${BENCH_OUT:-}" ] || trap 'rm -rf "$WORK"' EXIT

corpus="$WORK/corpus"
small_pairs "$corpus" "$PAIRS" "$LINES"
echo "journal.sh: $PAIRS pairs of $LINES lines in $corpus" >&2

run() { # run MODE: prints "wall cpu" seconds of one batch into a fresh output folder
  local out="$WORK/out-$1"
  rm -rf "$out"
  local extra=()
  [ "$1" = off ] && extra=(--no-journal)
  /usr/bin/time -f '%e %U %S' -o "$WORK/time" \
    "$BIN" batch "$corpus" -o "$out" --creation-date 20240101T000000Z "${extra[@]}" >/dev/null 2>&1
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$WORK/time"
}

# The journal's share of the workers' time, measured inside the run (report.json's
# totals.journal_seconds against the pairs' own seconds): load slows both alike, so this
# share moves far less than wall times on a shared machine.
share() {
  python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))
work = sum(p["seconds"] for p in t["pairs"])
print(t["totals"]["journal_seconds"] / (work + t["totals"]["journal_seconds"]))' "$1"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# Rounds of one run each way, adjacent (so both see the same machine load), in alternating
# order (off-on, on-off, ...) so neither always runs second on a warm page cache. The
# overhead is the median over rounds of each round's on/off ratio: a load spike that slows
# one round moves its ratio less than it moves either median.
rm -f "$WORK/shares"
wall_on=() wall_off=() cpu_on=() cpu_off=() ratio=() cpu_ratio=()
for i in $(seq "$RUNS"); do
  if [ $((i % 2)) = 1 ]; then order=(off on); else order=(on off); fi
  for mode in "${order[@]}"; do
    read -r wall cpu < <(run "$mode")
    [ "$mode" = on ] && share "$WORK/out-on/report.json" >> "$WORK/shares"
    if [ "$mode" = on ]; then wall_on+=("$wall") cpu_on+=("$cpu"); else wall_off+=("$wall") cpu_off+=("$cpu"); fi
  done
  ratio+=("$(awk -v a="${wall_on[-1]}" -v b="${wall_off[-1]}" 'BEGIN {print a / b}')")
  cpu_ratio+=("$(awk -v a="${cpu_on[-1]}" -v b="${cpu_off[-1]}" 'BEGIN {print a / b}')")
  echo "journal.sh: round $i (${order[*]}): off ${wall_off[-1]} s (cpu ${cpu_off[-1]}), on ${wall_on[-1]} s (cpu ${cpu_on[-1]}), ratio ${ratio[-1]}" >&2
done
med() { printf '%s\n' "$@" | median; }
pct() { awk -v r="$1" 'BEGIN {printf "%+.1f%%", (r - 1) * 100}'; }
mapfile -t shares < "$WORK/shares"
echo "| pairs | rounds | wall off (median s) | wall on (median s) | wall overhead (median of round ratios) | CPU overhead (median of round ratios) | journal share of worker time (median, in-run) | round ratios |"
echo "|---|---|---|---|---|---|---|---|"
printf '| %d | %d | %.2f | %.2f | %s | %s | %.2f%% | %s |\n' "$PAIRS" "$RUNS" \
  "$(med "${wall_off[@]}")" "$(med "${wall_on[@]}")" \
  "$(pct "$(med "${ratio[@]}")")" "$(pct "$(med "${cpu_ratio[@]}")")" \
  "$(awk -v s="$(med "${shares[@]}")" 'BEGIN {print s * 100}')" \
  "$(printf '%.3f ' "${ratio[@]}")"

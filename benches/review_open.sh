#!/usr/bin/env bash
# How long the review page of a large batch takes to open in headless Chromium: PAIRS
# (default 400) German-French pairs cut from the Text+Berg dev article (LINES German lines
# each, the matching share of French), aligned with `batch --merge review.html`; the merged
# page is timed by tests/review/drive.py (Playwright, the system chromium) from navigation
# until the index of pairs has been drawn, then until one pair's table is shown. The
# single-pair page of the first pair, timed the same way in the same run, is the baseline.
# Last, one long pair (the dev article 20 times) is timed the same way.
#
#   bash benches/review_open.sh            # needs ../shared, chromium, Python with playwright
#   PAIRS=100 LINES=120 RUNS=1 bash benches/review_open.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-400}
LINES=${LINES:-180}
PY=${BITALIGN_PYTHON:-python3}
RUNS=${RUNS:-3}   # opens of each page (the machine is noisy: compare the medians)
DEV=../shared/bench/textberg-dev
[ -f "$DEV/dev.de" ] || { echo "skipped: $DEV not found"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q
python3 - "$DEV" "$work/corpus" "$PAIRS" "$LINES" <<'PYEOF'
import os, sys
dev, out, pairs, lines = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
de = open(os.path.join(dev, "dev.de"), encoding="utf-8").read().splitlines()
fr = open(os.path.join(dev, "dev.fr"), encoding="utf-8").read().splitlines()
for lang in ("de", "fr"):
    os.makedirs(os.path.join(out, lang), exist_ok=True)
ratio = len(fr) / len(de)
for k in range(pairs):
    a = (k * 37) % max(1, len(de) - lines)
    b = int(a * ratio)
    chunks = {"de": de[a:a + lines], "fr": fr[b:b + int(lines * ratio)]}
    for lang, text in chunks.items():
        with open(os.path.join(out, lang, f"doc{k:04d}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(text) + "\n")
PYEOF

start=$(date +%s.%N)
target/release/bitalign batch "$work/corpus" --src-lang de --presegmented -o "$work/out" \
  --merge "$work/review.html" >/dev/null 2>"$work/batch.log" || { cat "$work/batch.log"; exit 1; }
end=$(date +%s.%N)
echo "batch: $PAIRS pairs aligned and written in $(echo "$end - $start" | bc) s"

single=$(find "$work/out" -name 'doc0000.html' | head -1)
echo "baseline, one pair's page ($(du -h "$single" | cut -f1)):"
for _ in $(seq "$RUNS"); do "$PY" tests/review/drive.py open "$single"; done
echo "merged page of $PAIRS pairs ($(du -h "$work/review.html" | cut -f1)):"
for _ in $(seq "$RUNS"); do "$PY" tests/review/drive.py open "$work/review.html"; done

# One long pair: the dev article 20 times (8,900 beads): rows beyond the first screen are
# added after the first frame.
for lang in de fr; do
  for _ in $(seq 20); do cat "$DEV/dev.$lang"; done > "$work/long.$lang"
done
target/release/bitalign align "$work/long.de" "$work/long.fr" --presegmented --src-lang de \
  --tgt-lang fr -o "$work/long.html" 2>/dev/null
echo "one pair of 9,360 / 11,080 lines ($(du -h "$work/long.html" | cut -f1)):"
for _ in $(seq "$RUNS"); do "$PY" tests/review/drive.py open "$work/long.html"; done

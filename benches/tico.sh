#!/usr/bin/env bash
# TICO-19 en–ar raw documents (../shared/bench/tico19-en-ar) through `batch` (no model), scored
# with ../shared/bench/pairscore.py (EVAL=1: with `bitalign eval`, same rules); prints the scores.
#   BIN=target/release/bitalign bash benches/tico.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/bitalign}
DATA=${DATA:-../shared/bench/tico19-en-ar}
[ -d "$DATA" ] || { echo "tico: $DATA absent, skipped"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in/en" "$work/in/ar"
args=()
for d in "$DATA"/*/; do
  name=$(basename "$d")
  [ -f "$d/src.txt" ] || continue
  ln -s "$(realpath "$d/src.txt")" "$work/in/en/$name.txt"
  ln -s "$(realpath "$d/tgt.txt")" "$work/in/ar/$name.txt"
done
"$BIN" batch "$work/in" -o "$work/out" -f jsonl ${EXTRA:-} >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
for d in "$DATA"/*/; do
  name=$(basename "$d")
  [ -f "$d/gold.json" ] || continue
  hyp=$(find "$work/out" -name "$name*.jsonl" | head -1)
  args+=("$d/gold.json" "$hyp")
done
if [ -n "${EVAL:-}" ]; then
  gold=(); hyp=(); for ((i=0; i<${#args[@]}; i+=2)); do gold+=(--gold "${args[i]}"); hyp+=(--hyp "${args[i+1]}"); done
  "$BIN" eval "${gold[@]}" "${hyp[@]}" --json
else
  python3 "$DATA/../pairscore.py" "${args[@]}"
fi

#!/usr/bin/env bash
# The bundled corpus aligned from the raw documents (corpora/docs, segmented by bitalign), scored
# as text pairs against the reference segmentation and gold links (corpora/reference, corpora/gold)
# with ../shared/bench/pairscore.py's rules (strict and tiled). Prints pairscore's JSON line.
#   BIN=target/release/bitalign bash benches/corpus_raw.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/bitalign}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BIN" batch corpora/docs -o "$work/out" -f jsonl ${EXTRA:-} >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
args=()
for g in corpora/gold/*/*.txt; do
  lang=$(basename "$(dirname "$g")"); name=$(basename "$g" .txt)
  python3 - "$g" "corpora/reference/en/$name.txt" "corpora/reference/$lang/$name.txt" "$work/$name.gold.json" <<'PY'
import json, re, sys
gold, src, tgt, out = sys.argv[1:]
lines = lambda p: [l.rstrip("\n") for l in open(p, encoding="utf-8") if l.strip()]
ids = lambda s: [int(x) for x in re.findall(r"\d+", s)]
links = [[ids(l.split(":")[0]), ids(l.split(":")[1])] for l in open(gold, encoding="utf-8") if l.strip()]
json.dump({"src_segments": lines(src), "tgt_segments": lines(tgt), "links": links}, open(out, "w", encoding="utf-8"), ensure_ascii=False)
PY
  hyp=$(find "$work/out" -name "$name.jsonl" | head -1)
  args+=("$work/$name.gold.json" "$hyp")
done
if [ -n "${EVAL:-}" ]; then
  gold=(); hyp=(); for ((i=0; i<${#args[@]}; i+=2)); do gold+=(--gold "${args[i]}"); hyp+=(--hyp "${args[i+1]}"); done
  "$BIN" eval "${gold[@]}" "${hyp[@]}" --json
else
  python3 ../shared/bench/pairscore.py "${args[@]}"
fi

# Sourced by benches: small_pairs DIR PAIRS LINES writes a folder corpus of PAIRS small
# document pairs into DIR (DIR/en/ and one folder per other language): the first LINES lines
# of each pair of corpora/docs, copied under numbered names until there are PAIRS. Written
# with shell builtins (100,000 `head` processes take minutes on a loaded machine). Run from
# the repository root.
small_pairs() {
  local corpus=$1 pairs=$2 lines_per=$3
  rm -rf "$corpus"
  mkdir -p "$corpus/en"
  local docs d lines lang name n=0
  mapfile -t docs < <(cd corpora/docs && find . -mindepth 2 -type f ! -path './en/*' | sort)
  declare -A src_text tgt_text
  for d in "${docs[@]}"; do
    mapfile -n "$lines_per" -t lines < "corpora/docs/$d"
    tgt_text[$d]=$(printf '%s\n' "${lines[@]}")
    mapfile -n "$lines_per" -t lines < "corpora/docs/en/$(basename "$d")"
    src_text[$d]=$(printf '%s\n' "${lines[@]}")
    mkdir -p "$corpus/$(basename "$(dirname "$d")")"
  done
  while [ "$n" -lt "$pairs" ]; do
    for d in "${docs[@]}"; do
      [ "$n" -lt "$pairs" ] || break
      lang=${d#./}
      lang=${lang%%/*}
      name="$(basename "$d" .txt)-$n.txt"
      printf '%s\n' "${tgt_text[$d]}" > "$corpus/$lang/$name"
      printf '%s\n' "${src_text[$d]}" > "$corpus/en/$name"
      n=$((n + 1))
    done
  done
}

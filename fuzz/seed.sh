#!/bin/sh
# Seeds fuzz/corpus/<target> from files of the repository (the corpus itself is not
# committed). Run from the repository root: sh fuzz/seed.sh
set -eu
c=fuzz/corpus
mkdir -p $c/decode $c/segment $c/srx $c/align $c/tmx
for f in corpora/docs/*/*.txt; do
  name=$(echo "$f" | tr / _)
  head -c 4000 "$f" > "$c/decode/$name"
  head -c 4000 "$f" > "$c/segment/$name"
  head -c 2000 "$f" > "$c/tmx/$name"
done
for f in corpora/docs/en/*.txt; do
  base=$(basename "$f")
  for other in corpora/docs/*/"$base"; do
    [ "$other" = "$f" ] && continue
    lang=$(basename "$(dirname "$other")")
    { head -c 1500 "$f"; printf '\377'; head -c 1500 "$other"; } > "$c/align/$lang-$base"
  done
done
# SRX: small rule files and a sample of LanguageTool's, plus text for the fixed rule set.
if [ -f ../shared/segmentation/segment.srx ]; then
  head -c 3000 ../shared/segmentation/segment.srx > $c/srx/languagetool-head.srx
fi
for f in corpora/docs/en/*.txt; do head -c 1000 "$f" > "$c/srx/text-$(basename "$f")"; done

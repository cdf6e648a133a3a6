#!/usr/bin/env bash
# Writes the emoji picker's search keywords (apps/web/app/src/roster/picker/keywords.tsv)
# from the Unicode CLDR English annotations ("smile" for 🙂 and 😊): npm
# `cldr-annotations-full` and `cldr-annotations-derived-full` (sequences: families, hair,
# flags, keycaps) at a pinned release. The file is committed: building and testing need
# no network for it. Run again to move to a newer CLDR release.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CLDR_VERSION=48.2.0
out="$ROOT/apps/web/app/src/roster/picker/keywords.tsv"
work="$(mktemp -d)"
at_exit "rm -rf '$work'"

step "fetching the CLDR annotations $CLDR_VERSION (English only is kept)"
cd "$work"
for package in cldr-annotations-full cldr-annotations-derived-full; do
  npm pack --silent "$package@$CLDR_VERSION" >/dev/null
  tar xzf "$package-$CLDR_VERSION.tgz" --wildcards 'package/annotations*/en/annotations.json'
done

# One line per emoji: the emoji without variation selectors, a tab, its keywords
# joined by "|", lower case. Skin tones other than the default are left out (the picker
# offers the default only). Sorted, so a new release shows as a readable diff.
node - package/annotations/en/annotations.json package/annotationsDerived/en/annotations.json >"$out" <<'JS'
const { readFileSync } = require('fs');
const tables = process.argv.slice(2).map((file) => {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return (json.annotations ?? json.annotationsDerived).annotations;
});
const lines = tables
  .flatMap((table) => Object.entries(table))
  .filter(([emoji, { default: words = [] }]) => words.length && !/[\u{1F3FB}-\u{1F3FF}]/u.test(emoji))
  .map(([emoji, { default: words }]) => `${emoji.replaceAll('\uFE0F', '')}\t${[...new Set(words.map((w) => w.toLowerCase()))].join('|')}`)
  .sort();
process.stdout.write(`${lines.join('\n')}\n`);
JS
echo "$(wc -l <"$out") emoji, $(wc -c <"$out") bytes: $out"

#!/usr/bin/env bash
# make docs: regenerates the check table of docs/checks.md from the catalog (`preflight list --format md`), between its
# `<!-- checks:begin … -->` and `<!-- checks:end -->` markers. Tests/PreflightCLITests/DocsDriftTests.swift fails
# when the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PREFLIGHT_BIN:-.build/debug/preflight}
table=$("$bin" list --format md)
python3 - "$table" <<'PY'
import re, sys
table = sys.argv[1].rstrip("\n")
with open("docs/checks.md", encoding="utf-8") as handle:
    text = handle.read()
pattern = re.compile(r"(<!-- checks:begin[^\n]*-->\n).*?(\n<!-- checks:end -->)", re.S)
if not pattern.search(text):
    sys.exit("docs/checks.md has no '<!-- checks:begin' … '<!-- checks:end -->' markers around the check table.")
with open("docs/checks.md.tmp", "w", encoding="utf-8") as handle:
    handle.write(pattern.sub(lambda m: m.group(1) + table + m.group(2), text, count=1))
PY
mv docs/checks.md.tmp docs/checks.md
echo "docs/checks.md: check table regenerated from the catalog"

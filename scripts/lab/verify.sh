#!/usr/bin/env bash
# verify.sh OUTDIR [IP] -- build (or reuse) the scenario template, run it on a throwaway clone at IP
# (default 127.0.0.3) and measure every connector account's real rights with verify-scenarios.py.
# Writes OUTDIR/scenario-verify.txt (the matrix printed below) and OUTDIR/scenario-verify.json.
set -euo pipefail
LAB=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 OUTDIR [IP]" >&2; exit 2; }
OUT=$1 IP=${2:-127.0.0.3}
"$LAB/build-template.sh" "$OUT"
OUT=$(cd "$OUT" && pwd)
"$LAB/with-dc.sh" "$OUT/scenario.tar.zst" "$IP" -- \
  bash -c '/usr/bin/python3 "$1/verify-scenarios.py" "$LAB_DC_DIR" --json "$2/scenario-verify.json"' _ "$LAB" "$OUT" \
  | tee "$OUT/scenario-verify.txt"

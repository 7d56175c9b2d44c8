#!/usr/bin/env bash
# Render benchmark: `preflight render` (and `preflight diff`) of a large saved report (a generated 200,000-user tenant's inventory run, about
# 120,000 findings) into every format, and with --redact, against Python's json.load of the same file (the cost of
# reading it at all) as the baseline.
#   bash scripts/bench/render.sh            (make bench-render)
# Environment: RENDER_BENCH_USERS (default 200000), RENDER_BENCH_RUNS (default 3), BENCH_BEFORE=PATH also times another
# preflight binary (a build of main, say) on the same report, for a before/after table.
set -euo pipefail
cd "$(dirname "$0")/../.."

users="${RENDER_BENCH_USERS:-200000}"
runs="${RENDER_BENCH_RUNS:-3}"
source scripts/bench/tenant.sh
bench_build
bench_tenant "$users"
# Its report, made once beside it. Not ready (exit 1) is this tenant's verdict.
report="$tenant/report.json"
if [[ ! -f "$report" ]]; then
    echo "Writing the report of $tenant (once)..." >&2
    rm -rf "$tenant/out"
    PREFLIGHT_CHECKS="$PWD/Checks" "$binary" run --config "$tenant/preflight.yml" --format json --out "$tenant/out" >/dev/null || true
    cp -L "$tenant/out/latest.json" "$report.tmp"
    rm -rf "$tenant/out"
    mv "$report.tmp" "$report"
fi

also=()
[ -n "${BENCH_BEFORE:-}" ] && also=(--before "$BENCH_BEFORE")
PREFLIGHT_CHECKS="$PWD/Checks" python3 scripts/bench/render_bench.py "$binary" "$report" --runs "$runs" "${also[@]}"

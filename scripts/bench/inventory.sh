#!/usr/bin/env bash
# Inventory benchmark: preflight's six inventory checks vs a plain Python csv script and DuckDB (read_csv and one
# SQL query) on a generated 1,000,000-user tenant (70% synchronized), its licence rows and its registration details.
# DuckDB comes from PyPI into a venv of the benchmark's own (.lab/inventory-bench/venv, once); when it cannot be
# installed, the table says so and shows the Python baseline alone.
#   bash scripts/bench/inventory.sh            (make bench-inventory)
# Environment: INVENTORY_BENCH_USERS (default 1000000), INVENTORY_BENCH_RUNS (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."

users="${INVENTORY_BENCH_USERS:-1000000}"
runs="${INVENTORY_BENCH_RUNS:-3}"
catalog=Sources/PreflightInventory/Resources/licensing/product-names-and-service-plan-identifiers.csv

source scripts/bench/tenant.sh
bench_build
bench_tenant "$users"

venv=.lab/inventory-bench/venv
if ! "$venv/bin/python" -c "import duckdb" 2>/dev/null; then
    echo "Installing DuckDB from PyPI into $venv (once)..." >&2
    { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet duckdb; } >&2 \
        || echo "Could not install DuckDB (pip install duckdb into $venv failed): the DuckDB baseline is left out." >&2
fi
duckdb=()
if "$venv/bin/python" -c "import duckdb" 2>/dev/null; then duckdb=(--duckdb "$venv/bin/python"); fi

python3 scripts/bench/inventory_bench.py "$binary" "$tenant" "$catalog" --runs "$runs" "${duckdb[@]}"

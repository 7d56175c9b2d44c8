#!/usr/bin/env bash
# make bench: the network benchmark. 50 HTTPS targets, each behind a relay adding 300 ms each way
# (scripts/netlab/netlab.py), probed by preflight all at once, by preflight for one target alone, and by a
# serial loop of the curl command-line tool (what a script would do). TARGETS, DELAY_MS and RUNS override.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product preflight >/dev/null
python3 scripts/bench/network_bench.py --preflight "$(swift build -c release --show-bin-path)/preflight" \
  --targets "${TARGETS:-50}" --delay-ms "${DELAY_MS:-300}" --runs "${RUNS:-5}"

#!/usr/bin/env bash
# make fuzz: builds the libFuzzer harnesses (Fuzz/Harnesses/<name>, one per parser of untrusted input, each calling one
# FuzzEntry function) with -sanitize=fuzzer,address in their own scratch path (.build-fuzz), then runs each for
# FUZZ_SECONDS. Fails when a harness crashes, leaks, hangs on one input (-timeout) or runs out of memory (-rss_limit_mb);
# the input that did it is kept in .lab/fuzz/<name>/artifacts/. Prints the executions of every harness.
#
# Settings (environment, or `make fuzz VAR=…`):
#   FUZZ_SECONDS=30           run time of each harness
#   FUZZ_TARGETS="SID EventLog"  the harnesses to run (default: every folder of Fuzz/Harnesses)
#   FUZZ_JOBS=1               harnesses run at the same time (each uses one core)
#   FUZZ_MAX_LEN=32768        largest input in bytes (4096 for the binary SID and security-descriptor harnesses)
#   FUZZ_BUILD=release        or debug: -O runs about three times the executions; debug gives line numbers in reports
#   FUZZ_LAB=.lab/fuzz        corpora (<name>/corpus, kept between runs), seeds, artifacts, logs, history.tsv
#
#   scripts/fuzz.sh --list     the harness names
#   scripts/fuzz.sh --totals   executions per harness over every run recorded in history.tsv
#   Reproduce a finding:       .build-fuzz/release/Fuzz<name> .lab/fuzz/<name>/artifacts/crash-…
set -uo pipefail
cd "$(dirname "$0")/.."

LAB=${FUZZ_LAB:-.lab/fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-30}
JOBS=${FUZZ_JOBS:-1}
MAX_LEN=${FUZZ_MAX_LEN:-32768}
BUILD=${FUZZ_BUILD:-release}
SCRATCH_PATH=.build-fuzz
SWIFT=${SWIFT:-swift}

all_harnesses() { (cd Fuzz/Harnesses && ls -d */ | tr -d /); }

case $BUILD in release | debug) ;; *) echo "fuzz: FUZZ_BUILD is release or debug, not '$BUILD'" >&2; exit 2 ;; esac
case "${1:-}" in
  --list) all_harnesses; exit 0 ;;
  --totals)
    [ -f "$LAB/history.tsv" ] || { echo "fuzz: no runs recorded in $LAB/history.tsv yet" >&2; exit 1; }
    awk -F'\t' 'NR > 1 { runs[$2]++; secs[$2] += $3; execs[$2] += $4; if ($6 != "ok") bad[$2]++ }
      END { printf "%-20s %6s %10s %14s %9s\n", "harness", "runs", "seconds", "executions", "failures";
            for (h in runs) printf "%-20s %6d %10d %14d %9d\n", h, runs[h], secs[h], execs[h], bad[h] }' "$LAB/history.tsv" | sort
    exit 0 ;;
  "") ;;
  *) echo "usage: scripts/fuzz.sh [--list | --totals]  (settings in FUZZ_SECONDS, FUZZ_TARGETS, FUZZ_JOBS; see the top of this file)" >&2; exit 2 ;;
esac

targets=${FUZZ_TARGETS:-$(all_harnesses | tr '\n' ' ')}
for name in $targets; do
  [ -f "Fuzz/Harnesses/$name/main.swift" ] || { echo "fuzz: no harness '$name'. Known: $(all_harnesses | tr '\n' ' ')" >&2; exit 2; }
done

# What fuzzing needs beyond `make build`: libFuzzer and the sanitizer runtimes of Swift's own clang (swift.org
# toolchains for Linux ship them), and python3 for the seeds (installed by scripts/setup.sh).
swiftc_path=$(command -v "${SWIFTC:-swiftc}" || true)
runtime="$(dirname "$(readlink -f "${swiftc_path:-/nonexistent}")")/../lib/swift/clang/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
if [ ! -f "$runtime" ]; then
  echo "fuzz: libFuzzer is missing from the Swift toolchain (looked for $runtime). Install a swift.org toolchain for Linux," \
       "which includes it (Debian's clang runtime does not match Swift's clang)." >&2
  exit 1
fi
command -v python3 >/dev/null || { echo "fuzz: python3 is needed for the seed corpora (run 'make setup')." >&2; exit 1; }

# Build: the harness targets exist only when PREFLIGHT_FUZZ=1 (see Package.swift), so `swift build` never sees them.
mkdir -p "$LAB"
build_log="$LAB/build.log"
: > "$build_log"
for name in $targets; do
  echo "fuzz: building Fuzz$name" >&2
  PREFLIGHT_FUZZ=1 nice -n 10 $SWIFT build -c "$BUILD" --scratch-path "$SCRATCH_PATH" \
    -Xswiftc -sanitize=fuzzer,address --product "Fuzz$name" > "$build_log.tmp" 2>&1
  status=$?
  # ld.gold warns about every ASan report stub; nothing to act on.
  grep -v "Cannot export local symbol '__asan" "$build_log.tmp" >> "$build_log"
  rm -f "$build_log.tmp"
  if [ "$status" -ne 0 ]; then
    echo "fuzz: building Fuzz$name failed (full log: $build_log):" >&2
    grep -E "error" "$build_log" | head -n 30 >&2
    exit 1
  fi
done
bin_dir=$SCRATCH_PATH/$BUILD

# Seeds and dictionaries from the fixtures, rebuilt each run; the corpus grows across runs.
# shellcheck disable=SC2086
python3 Fuzz/seeds.py "$LAB" "$MAX_LEN" $targets || { echo "fuzz: writing the seed corpora failed" >&2; exit 1; }

shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
scratch=$(mktemp -d "$shm/preflight-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

run_one() {
  local name=$1 folder="$LAB/$1"
  local len=$MAX_LEN
  case $name in SID | SecurityDescriptor) len=4096 ;; esac
  mkdir -p "$folder/corpus" "$folder/artifacts" "$scratch/$name"
  local started=$SECONDS status dict=()
  [ -s "$folder/dict" ] && dict=(-dict="$folder/dict")
  # -timeout: one input may take 10 s; the outer timeout catches a harness that hangs outside an input (start, exit).
  PREFLIGHT_FUZZ_SCRATCH="$scratch/$name" \
  ASAN_OPTIONS="detect_leaks=1:handle_abort=1:${ASAN_OPTIONS:-}" \
  LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}" \
    timeout --kill-after=30 $((SECONDS_EACH + 600)) nice -n 10 "$bin_dir/Fuzz$name" \
      -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -detect_leaks=1 \
      -max_len="$len" "${dict[@]}" -artifact_prefix="$folder/artifacts/" -print_final_stats=1 \
      "$folder/corpus" "$folder/seeds" > "$folder/last.log" 2>&1
  status=$?
  local execs rate rss result
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$folder/last.log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$folder/last.log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$folder/last.log" | tail -n 1)
  if [ "$status" -eq 0 ]; then result=ok
  elif grep -q "ERROR: libFuzzer: timeout" "$folder/last.log"; then result=timeout
  elif grep -q "ERROR: LeakSanitizer" "$folder/last.log"; then result=leak
  elif grep -qE "ERROR: libFuzzer: (out-of-memory|malloc)" "$folder/last.log"; then result=out-of-memory
  elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then result=hung
  else result=crash
  fi
  if [ -z "$execs" ]; then  # a crash ends the run before the final stats; the last status line has the count
    execs=$(grep -oE '^#[0-9]+' "$folder/last.log" | tail -n 1 | tr -d '#')
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$((SECONDS - started))" "${execs:-0}" \
    "${rate:-?}" "$result" "$(find "$folder/corpus" -type f | wc -l)" "${rss:-?}" > "$folder/result"
  cat "$folder/result" >> "$LAB/history.tsv"  # one short line, appended atomically: recorded even if the run is cut short
}

[ -f "$LAB/history.tsv" ] || printf 'date\tharness\tseconds\texecutions\texec_per_s\tresult\tcorpus\tpeak_rss_mb\n' > "$LAB/history.tsv"
echo "fuzz: running $(echo $targets | wc -w) harness(es) for ${SECONDS_EACH}s each, $JOBS at a time; logs in $LAB/<name>/last.log" >&2
for name in $targets; do
  rm -f "$LAB/$name/result"
  run_one "$name" &
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
done
wait

failed=0
printf '\n%-20s %8s %12s %8s %8s %8s  %s\n' harness seconds executions exec/s corpus rss_mb result
for name in $targets; do
  if [ ! -f "$LAB/$name/result" ]; then
    printf '%-20s %8s %12s %8s %8s %8s  %s\n' "$name" - - - - - "no result (see $LAB/$name/last.log)"
    failed=1
    continue
  fi
  IFS=$'\t' read -r _ _ secs execs rate result corpus rss < "$LAB/$name/result"
  printf '%-20s %8s %12s %8s %8s %8s  %s\n' "$name" "$secs" "$execs" "$rate" "$corpus" "$rss" "$result"
  if [ "$result" != ok ]; then
    failed=1
    artifact=$(grep -oE "Test unit written to [^ ]+" "$LAB/$name/last.log" | tail -n 1 | cut -d' ' -f5)
    echo "    $result in Fuzz$name: $LAB/$name/last.log${artifact:+; input: $artifact}" >&2
    grep -E "^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*error: )" "$LAB/$name/last.log" | head -n 5 | sed 's/^/    /' >&2
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED. Reproduce with $bin_dir/Fuzz<name> <input>; fix the parser and add the input as a regression test" \
       "(Tests/PreflightKitTests/Fixtures/fuzz/<name>/, run by FuzzRegressionTests)." >&2
  exit 1
fi
echo "fuzz: no crash, leak or timeout." >&2

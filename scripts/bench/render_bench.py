#!/usr/bin/env python3
"""Times `preflight render` of one saved report into each format (and Markdown and JSON with --redact), and `preflight
diff` of the report with itself and with a copy whose findings are in reverse order (an export downloaded in another
order), against the baseline of reading the report at all: Python's json.load of the same file.

    render_bench.py PREFLIGHT_BINARY REPORT_JSON [--runs N] [--before OTHER_PREFLIGHT]

After one warm-up run of each (so all find the file in the page cache), N interleaved runs; prints the median wall time,
the median CPU time (user + system, the number that holds under load) and the peak resident memory of each, and the
CPU ratio against the baseline. With --before, the other binary's rows follow, for a before/after table.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def measure(argv, env):
    """Wall time (s), CPU time (s, user + system) and peak RSS (MB) of one run, its output thrown away."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(argv)} exited {code}: {stderr.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def reversed_findings(report):
    """A copy of the report, each check's findings in reverse order; `diff` pairs them all (no change). Made in a child
    process: a child forked from this one would count this one's memory in its peak RSS."""
    copy = tempfile.NamedTemporaryFile(prefix="render-bench-reordered-", suffix=".json", delete=False)
    copy.close()
    script = ("import json, sys\n"
              "document = json.load(open(sys.argv[1]))\n"
              "for check in document['checks']:\n"
              "    check['findings'].reverse()\n"
              "json.dump(document, open(sys.argv[2], 'w'))\n")
    subprocess.run([sys.executable, "-c", script, report, copy.name], check=True)
    return copy.name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preflight")
    parser.add_argument("report")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", help="another preflight binary to time on the same report")
    arguments = parser.parse_args()

    key = tempfile.NamedTemporaryFile(prefix="render-bench-key-", delete=False)
    key.write(b"0123456789abcdef0123456789abcdef")
    key.close()
    env = dict(os.environ)
    env.pop("PREFLIGHT_REDACT_KEY", None)

    reordered = reversed_findings(arguments.report)
    cases = [("json.load (baseline)", [sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1]))", arguments.report])]
    binaries = [("", arguments.preflight)] + ([("before: ", arguments.before)] if arguments.before else [])
    for label, binary in binaries:
        for fmt in ["json", "md", "html", "csv", "subjects-csv", "junit", "prom"]:
            cases.append((f"{label}render --format {fmt}", [binary, "render", arguments.report, "--format", fmt]))
        for fmt in ["md", "json"]:
            cases.append((f"{label}render --format {fmt} --redact",
                          [binary, "render", arguments.report, "--format", fmt, "--redact", "--redact-key-file", key.name]))
        cases.append((f"{label}diff (the same report)", [binary, "diff", arguments.report, arguments.report]))
        cases.append((f"{label}diff (findings reordered)", [binary, "diff", arguments.report, reordered]))

    try:
        for _, argv in cases:
            measure(argv, env)
        results = {name: [] for name, _ in cases}
        for _ in range(arguments.runs):
            for name, argv in cases:
                results[name].append(measure(argv, env))
    finally:
        os.unlink(key.name)
        os.unlink(reordered)

    size = os.path.getsize(arguments.report) / 1e6
    print(f"Report: {arguments.report} ({size:.0f} MB); medians of {arguments.runs} interleaved runs after one warm-up each.")
    print()
    baseline = statistics.median(cpu for _, cpu, _ in results[cases[0][0]])
    print(f"| {'command':<44} | wall s | CPU s | peak MB | CPU vs json.load |")
    print(f"|{'-' * 46}|-------:|------:|--------:|-----------------:|")
    for name, _ in cases:
        wall = statistics.median(w for w, _, _ in results[name])
        cpu = statistics.median(c for _, c, _ in results[name])
        rss = max(r for _, _, r in results[name])
        print(f"| {name:<44} | {wall:6.2f} | {cpu:5.2f} | {rss:7.0f} | {cpu / baseline:15.1f}x |")


if __name__ == "__main__":
    main()

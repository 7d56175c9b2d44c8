#!/usr/bin/env python3
"""Times `preflight` (the six inventory checks) against two baselines on the generated tenant: the plain Python csv
script and, when given its Python (--duckdb), DuckDB's read_csv with one SQL query.

    inventory_bench.py PREFLIGHT_BINARY TENANT_FOLDER CATALOG_CSV [--runs N] [--duckdb PYTHON]

All read the same files. After one warm-up run each (so all find the files in the page cache), N interleaved runs;
prints the median wall time, the CPU time and the peak resident memory of each, the ratio against each baseline, and
whether the goals hold (at least 3x faster than the Python script, no slower than DuckDB, peak memory at most 250 MB).
Fails when preflight's three numbers differ from any baseline's.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

GOAL_RATIO = 3.0
GOAL_DUCKDB_RATIO = 1.0
GOAL_RSS_MB = 250


def measure(argv):
    """Wall time (s), CPU time (s, user + system), peak RSS (MB), exit code, stdout and stderr of one run; CPU and RSS
    are the child's own, from wait4. Every program here prints little, so reading stdout, then stderr, cannot block."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout = process.stdout.read()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return (elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, stdout.decode(),
            stderr.decode())


NUMBERS_SCRIPT = """
import json, sys
with open(sys.argv[1]) as handle:
    report = json.load(handle)
checks = {check["id"]: check for check in report["checks"]}
licenses, registration = checks["INV-003"], checks["INV-005"]
for check in (licenses, registration):
    if check["status"] in ("error", "skip"):
        sys.exit(f"{check['id']} did not judge: {check['status']}: {check['message']}")
print(json.dumps({
    "inScopeHybrid": licenses["evidence"]["inScopeHybrid"],
    "unlicensed": licenses["evidence"]["unlicensed"],
    "unregistered": registration["evidence"]["unregistered"],
    "findings": {check["id"]: len(check["findings"]) for check in report["checks"]},
}))
"""


def preflight_numbers(report_path):
    """The three numbers from preflight's JSON report, read in a child Python: the report lists every finding (about
    250 MB for this tenant), and a parent that had parsed it would hand its resident memory to every program it starts
    next (their peak RSS would read 1.2 GB)."""
    result = subprocess.run([sys.executable, "-c", NUMBERS_SCRIPT, report_path], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"reading {report_path} failed: {result.stderr}")
    numbers = json.loads(result.stdout)
    findings = numbers.pop("findings")
    # The report lists every user each check names (issue #18): as many findings as the counts say.
    if findings["INV-003"] < numbers["unlicensed"] or findings["INV-005"] != numbers["unregistered"]:
        sys.exit(f"preflight's report lists fewer findings than it counts: {findings} for {numbers}")
    return numbers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preflight")
    parser.add_argument("tenant")
    parser.add_argument("catalog")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duckdb", help="a Python that can import duckdb (the benchmark's venv)")
    arguments = parser.parse_args()
    tenant = arguments.tenant
    here = os.path.dirname(os.path.abspath(__file__))
    out = tempfile.mkdtemp(prefix="preflight-inventory-bench-")
    files = [os.path.join(tenant, name) for name in ("users.csv", "licenses.csv", "registration.csv")] + [arguments.catalog]
    commands = {
        "python": [sys.executable, os.path.join(here, "inventory_baseline.py")] + files,
        "preflight": [arguments.preflight, "run", "--config", os.path.join(tenant, "preflight.yml"),
                      "--only", "INV-001,INV-002,INV-003,INV-004,INV-005,INV-006", "--out", out, "--quiet"],
    }
    duckdb_version = None
    if arguments.duckdb:
        commands["duckdb"] = [arguments.duckdb, os.path.join(here, "inventory_duckdb.py")] + files
        duckdb_version = subprocess.run([arguments.duckdb, "-c", "import duckdb; print(duckdb.__version__)"],
                                        capture_output=True, text=True, check=True).stdout.strip()

    runs = {name: [] for name in commands}
    results = {}
    for index in range(arguments.runs + 1):  # run 0 warms the page cache and is not counted
        for name, argv in commands.items():
            elapsed, cpu, rss, code, stdout, stderr = measure(argv)
            if name == "preflight":
                if code not in (0, 1):  # 1 = NOT READY, expected for this tenant
                    sys.exit(f"preflight exited {code}: {stdout}{stderr}")
                results[name] = preflight_numbers(os.path.join(out, "latest.json"))
            else:
                if code != 0:
                    sys.exit(f"the {name} baseline failed ({code}): {stderr}")
                results[name] = json.loads(stdout)
            if index > 0:
                runs[name].append((elapsed, cpu, rss))

    for name in commands:
        if results[name] != results["preflight"]:
            sys.exit(f"preflight and the {name} baseline disagree: preflight {results['preflight']}, {name} {results[name]}")

    def summary(name):
        return (statistics.median(run[0] for run in runs[name]), statistics.median(run[1] for run in runs[name]),
                max(run[2] for run in runs[name]), [run[0] for run in runs[name]])

    labels = {
        "python": "Python csv baseline (inventory_baseline.py)",
        "duckdb": f"DuckDB {duckdb_version} (inventory_duckdb.py: read_csv + one query, all cores)",
        "preflight": "preflight run --only INV-001..INV-006 (with reports)",
    }
    sizes = sum(os.path.getsize(path) for path in files[:3])
    numbers = results["preflight"]
    print(f"Inventory benchmark: {tenant} ({sizes / 1e6:.0f} MB of CSV), {arguments.runs} interleaved runs after a warm-up, "
          f"{os.cpu_count()} cores, 1-minute load average at the end {os.getloadavg()[0]:.1f}")
    print(f"All computed: in-scope hybrid {numbers['inScopeHybrid']:,}, unlicensed {numbers['unlicensed']:,}, "
          f"unregistered {numbers['unregistered']:,}")
    if "duckdb" not in commands:
        print("DuckDB is not installed (pip install duckdb failed): the DuckDB baseline is left out.")
    print()
    print("| Run | Median wall time | Runs (s) | Median CPU time | Peak RSS |")
    print("|---|---|---|---|---|")
    for name in ("python", "duckdb", "preflight"):
        if name in commands:
            wall, cpu, rss, times = summary(name)
            print(f"| {labels[name]} | {wall:.2f} s | {', '.join(f'{t:.2f}' for t in times)} | {cpu:.2f} s | {rss:.0f} MB |")
    tool_time, _, tool_rss, _ = summary("preflight")
    python_ratio = summary("python")[0] / tool_time
    print(f"| **Ratio vs Python** | **{python_ratio:.2f}x faster** (goal >= {GOAL_RATIO:.0f}x) | | | "
          f"goal <= {GOAL_RSS_MB} MB |")
    verdicts = [f"speed vs Python {'met' if python_ratio >= GOAL_RATIO else 'MISSED'}"]
    if "duckdb" in commands:
        duckdb_ratio = summary("duckdb")[0] / tool_time
        print(f"| **Ratio vs DuckDB** | **{duckdb_ratio:.2f}x** (DuckDB's wall time / preflight's; goal >= "
              f"{GOAL_DUCKDB_RATIO:.1f}) | | | |")
        verdicts.append(f"speed vs DuckDB {'met' if duckdb_ratio >= GOAL_DUCKDB_RATIO else 'MISSED'}")
    verdicts.append(f"memory {'met' if tool_rss <= GOAL_RSS_MB else 'MISSED'}")
    print()
    print("Goals: " + "; ".join(verdicts) + ".")


if __name__ == "__main__":
    main()

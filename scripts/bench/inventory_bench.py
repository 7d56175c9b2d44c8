#!/usr/bin/env python3
"""Times `preflight` (the six inventory checks) against the Python csv baseline on the generated tenant.

    inventory_bench.py PREFLIGHT_BINARY TENANT_FOLDER CATALOG_CSV [--runs N]

Both read the same files. After one warm-up run each (so both find the files in the page cache), N interleaved runs;
prints the median wall time and the peak resident memory of each, the ratio, and whether the goals hold (at least
3x faster than the baseline, peak memory under 250 MB). Fails when the two disagree on the three numbers.
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
GOAL_RSS_MB = 250


def measure(argv):
    """Wall time (s), peak RSS (MB) and stdout of one run; the RSS is the child's own, from wait4."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout = process.stdout.read()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode, stdout.decode(), stderr.decode()


def preflight_numbers(report_path):
    with open(report_path) as handle:
        report = json.load(handle)
    checks = {check["id"]: check for check in report["checks"]}
    licenses, registration = checks["INV-003"], checks["INV-005"]
    for check in (licenses, registration):
        if check["status"] in ("error", "skip"):
            sys.exit(f"{check['id']} did not judge: {check['status']}: {check['message']}")
    return {
        "inScopeHybrid": licenses["evidence"]["inScopeHybrid"],
        "unlicensed": licenses["evidence"]["unlicensed"],
        "unregistered": registration["evidence"]["unregistered"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preflight")
    parser.add_argument("tenant")
    parser.add_argument("catalog")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    tenant = arguments.tenant
    here = os.path.dirname(os.path.abspath(__file__))
    out = tempfile.mkdtemp(prefix="preflight-inventory-bench-")
    preflight = [arguments.preflight, "run", "--config", os.path.join(tenant, "preflight.yml"),
                 "--only", "INV-001,INV-002,INV-003,INV-004,INV-005,INV-006", "--out", out, "--quiet"]
    baseline = [sys.executable, os.path.join(here, "inventory_baseline.py"), os.path.join(tenant, "users.csv"),
                os.path.join(tenant, "licenses.csv"), os.path.join(tenant, "registration.csv"), arguments.catalog]

    runs = {"preflight": [], "baseline": []}
    results = {}
    for index in range(arguments.runs + 1):  # run 0 warms the page cache and is not counted
        for name, argv in (("baseline", baseline), ("preflight", preflight)):
            elapsed, rss, code, stdout, stderr = measure(argv)
            if name == "baseline":
                if code != 0:
                    sys.exit(f"baseline failed ({code}): {stderr}")
                results[name] = json.loads(stdout)
            else:
                if code not in (0, 1):  # 1 = NOT READY, expected for this tenant
                    sys.exit(f"preflight exited {code}: {stdout}{stderr}")
                results[name] = preflight_numbers(os.path.join(out, "latest.json"))
            if index > 0:
                runs[name].append((elapsed, rss))

    if results["preflight"] != results["baseline"]:
        sys.exit(f"The two disagree: preflight {results['preflight']}, baseline {results['baseline']}")

    def summary(name):
        times = [run[0] for run in runs[name]]
        return statistics.median(times), max(run[1] for run in runs[name]), times

    base_time, base_rss, base_times = summary("baseline")
    tool_time, tool_rss, tool_times = summary("preflight")
    ratio = base_time / tool_time
    sizes = sum(os.path.getsize(os.path.join(tenant, name)) for name in ("users.csv", "licenses.csv", "registration.csv"))
    numbers = results["preflight"]
    print(f"Inventory benchmark: {tenant} ({sizes / 1e6:.0f} MB of CSV), {arguments.runs} interleaved runs after a warm-up, "
          f"{os.cpu_count()} cores")
    print(f"Both computed: in-scope hybrid {numbers['inScopeHybrid']:,}, unlicensed {numbers['unlicensed']:,}, "
          f"unregistered {numbers['unregistered']:,}")
    print()
    print("| Run | Median wall time | Runs | Peak RSS |")
    print("|---|---|---|---|")
    print(f"| Python csv baseline (inventory_baseline.py) | {base_time:.2f} s | "
          f"{', '.join(f'{t:.2f}' for t in base_times)} | {base_rss:.0f} MB |")
    print(f"| preflight run --only INV-001..INV-006 (with reports) | {tool_time:.2f} s | "
          f"{', '.join(f'{t:.2f}' for t in tool_times)} | {tool_rss:.0f} MB |")
    print(f"| **Ratio** | **{ratio:.2f}x faster** (goal >= {GOAL_RATIO:.0f}x) | | "
          f"goal < {GOAL_RSS_MB} MB |")
    print()
    verdict_ratio = "met" if ratio >= GOAL_RATIO else "MISSED"
    verdict_rss = "met" if tool_rss < GOAL_RSS_MB else "MISSED"
    print(f"Speed goal {verdict_ratio}; memory goal {verdict_rss}.")


if __name__ == "__main__":
    main()

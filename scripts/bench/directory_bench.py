#!/usr/bin/env python3
"""Directory benchmark: preflight's directory checks vs the raw LDAP fetch of the same security descriptors.

Runs against a running lab DC (see directory.sh). Both sides bind as the same read-only account over LDAPS
and page with 1000 entries per page; the baseline is `ldapsearch` with the SD-flags control (DACL only)
fetching nTSecurityDescriptor of every user under the scope, i.e. the data preflight must read at least.
Runs are interleaved (A, B, A, B, ...) after one warm-up each, and medians are compared.
Prints a table with the ratio against the named baseline and each side's peak resident memory.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def measure(argv, env):
    """Wall time and peak RSS (KiB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, code, stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preflight", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--cross-check-config", help="the same run bound as the connector account (DC cross-check on)")
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    password = os.environ["BENCH_PASSWORD"]
    env = dict(os.environ, LDAPTLS_CACERT=args.ca)
    # The password goes through a file, never argv (ps would show it).
    password_file = os.path.join(args.out, "bench.pw")
    with open(password_file, "w") as handle:
        handle.write(password)
    os.chmod(password_file, 0o600)
    baseline = ["ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", args.url, "-D", "preflight-reader@corp.example.test",
                "-y", password_file, "-E", "pr=1000/noprompt", "-E", "1.2.840.113556.1.4.801=::MAMCAQQ=",
                "-b", args.base, "(&(objectCategory=person)(objectClass=user))", "nTSecurityDescriptor"]
    checks = "AD-001,AD-002,AD-003,AD-004,AD-005,AD-006,AD-007,AD-008,AD-009,AD-010,AD-011,AD-012,AD-013"
    tool = [args.preflight, "run", "--config", args.config, "--only", checks, "--out", os.path.join(args.out, "reports"), "--quiet"]

    # ldapsearch -y reads the whole file, newline included? It reads it verbatim: no newline written above.
    sides = {"ldapsearch (baseline)": baseline, "preflight directory checks": tool}
    cross_name = "preflight + DC cross-check"
    if args.cross_check_config:
        cross_out = os.path.join(args.out, "reports-cross-check")
        sides[cross_name] = [args.preflight, "run", "--config", args.cross_check_config, "--only", checks, "--out", cross_out, "--quiet"]
    results = {name: [] for name in sides}
    for name, argv in sides.items():  # warm-up, also proves both sides work
        elapsed, rss, code, stderr = measure(argv, env)
        if name.startswith("ldapsearch") and code != 0:
            sys.exit(f"baseline failed (exit {code}): {stderr}")
        if name.startswith("preflight") and code not in (0, 1, 2):
            sys.exit(f"preflight failed (exit {code}): {stderr}")
    if args.cross_check_config:
        # Correctness first: the DC must confirm every verdict preflight reached on AD-004 and AD-005.
        import json
        with open(os.path.join(cross_out, "latest.json")) as handle:
            report = json.load(handle)
        for check in report["checks"]:
            if check["id"] in ("AD-004", "AD-005"):
                cross = check.get("evidence", {}).get("dcCrossCheck")
                if not cross or cross["disagreed"] != 0 or cross["confirmed"] == 0:
                    sys.exit(f"{check['id']}: the DC cross-check did not confirm the verdicts: {cross}")
                print(f"{check['id']}: DC cross-check {cross['confirmed']} confirmed, {cross['disagreed']} disagreed")
    for _ in range(args.runs):
        for name, argv in sides.items():
            results[name].append(measure(argv, env)[:2])

    base_median = statistics.median(t for t, _ in results["ldapsearch (baseline)"])
    print(f"\nDirectory benchmark: {args.users} users under {args.base}, {args.runs} interleaved runs after a warm-up")
    print(f"{'':28} {'median s':>9} {'min s':>7} {'max s':>7} {'ratio':>6} {'peak RSS':>9}")
    for name, runs in results.items():
        times = [t for t, _ in runs]
        peak = max(r for _, r in runs) / 1024
        ratio = statistics.median(times) / base_median
        print(f"{name:28} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f} {ratio:5.2f}x {peak:7.1f} MB")
    ratio = statistics.median(t for t, _ in results["preflight directory checks"]) / base_median
    if args.cross_check_config:
        plain = statistics.median(t for t, _ in results["preflight directory checks"])
        cross = statistics.median(t for t, _ in results[cross_name])
        print(f"DC cross-check cost = {cross_name} median / preflight median = {cross / plain:.2f}x ({cross - plain:+.2f} s)")
    goal = 1.5
    print(f"\nratio = preflight median / ldapsearch median = {ratio:.2f} (goal: at most {goal})")
    return 0 if ratio <= goal else 1


if __name__ == "__main__":
    sys.exit(main())

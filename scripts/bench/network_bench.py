#!/usr/bin/env python3
"""Network benchmark: preflight over N delayed targets vs one target alone vs a serial curl loop."""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NETLAB = os.path.join(ROOT, "scripts", "netlab", "netlab.py")


def measure(argv, env=None):
    """Wall time in seconds and peak RSS in MB of one child process."""
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, code, process.stderr.read().decode()


def write_config(folder, name, ca, urls, timeout):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(f"timeoutSeconds: {timeout}\nnetwork:\n  caFile: {ca}\n  endpoints:\n    NET-001: {json.dumps(urls)}\n")
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preflight", required=True)
    parser.add_argument("--targets", type=int, default=50)
    parser.add_argument("--delay-ms", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="pfnetbench.")
    try:
        subprocess.run([sys.executable, NETLAB, "certs", work], check=True)
        spec = [{"name": "origin", "kind": "https", "cert": f"{work}/valid.pem", "key": f"{work}/valid.key"}]
        spec += [{"name": f"relay{i}", "kind": "relay", "target": "origin", "delayMs": args.delay_ms} for i in range(args.targets)]
        with open(f"{work}/spec.json", "w") as f:
            json.dump(spec, f)
        lab = subprocess.Popen([sys.executable, NETLAB, "serve", f"{work}/spec.json"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        ports = json.loads(lab.stdout.readline())
        urls = [f"https://localhost:{ports[f'relay{i}']}/" for i in range(args.targets)]
        ca = f"{work}/ca.pem"
        every = write_config(work, "all.yml", ca, urls, 60)
        one = write_config(work, "one.yml", ca, urls[:1], 60)
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}

        def preflight(config, out):
            return [args.preflight, "run", "--config", config, "--only", "NET-001", "--out", f"{work}/{out}", "--quiet"]

        results = {"all": [], "one": []}
        measure(preflight(one, "warm"), env)  # warm-up: page cache, first TLS context
        for _ in range(args.runs):
            for name, config in (("all", every), ("one", one)):
                seconds, rss, code, err = measure(preflight(config, name), env)
                if code != 0:
                    raise SystemExit(f"preflight exited {code} for {name}: {err}\nsee {work}/{name}/latest.md")
                results[name].append((seconds, rss))
        report = json.load(open(f"{work}/all/latest.json"))
        targets = report["checks"][0]["evidence"]["targets"]
        assert len(targets) == args.targets and all(t.get("failure") is None for t in targets), "every target must be reachable"

        curl = shutil.which("curl")
        loop = ["bash", "-c", 'for u in "$@"; do curl -sS --cacert "$0" -o /dev/null "$u" || exit 1; done', ca] + urls
        serial = [measure(loop, env) for _ in range(max(1, min(2, args.runs)))]
        if any(code != 0 for _, _, code, _ in serial):
            raise SystemExit("the curl loop failed: " + serial[0][3])
        lab.stdin.close()
        lab.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nNetwork benchmark: {args.targets} HTTPS targets, each behind a relay adding {args.delay_ms} ms each way "
          f"({args.runs} interleaved runs after a warm-up; curl loop {len(serial)} runs)")
    print(f"{'':34} {'median s':>9} {'min s':>7} {'max s':>7} {'ratio':>7} {'peak RSS':>9}")
    one_median = statistics.median(s for s, _ in results["one"])
    rows = [
        (f"preflight, 1 target (baseline)", [s for s, _ in results["one"]], max(r for _, r in results["one"])),
        (f"preflight, all {args.targets} targets", [s for s, _ in results["all"]], max(r for _, r in results["all"])),
        (f"curl loop, {args.targets} targets in series", [s for s, _, _, _ in serial], max(r for _, r, _, _ in serial)),
    ]
    for name, times, peak in rows:
        print(f"{name:34} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f} "
              f"{statistics.median(times) / one_median:6.2f}x {peak:7.1f} MB")
    all_median = statistics.median(rows[1][1])
    serial_median = statistics.median(rows[2][1])
    print(f"\nall {args.targets} / one alone = {all_median / one_median:.2f} (goal: at most 1.5)")
    print(f"serial curl loop / preflight all {args.targets} = {serial_median / all_median:.1f}x faster")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# make test: `swift test` against the lab template. CI logs show only their tail, and Swift Testing prints an
# issue when it happens, far above the closing line; so a failed run ends with a recap of what failed.
set -uo pipefail
template=${1:?usage: scripts/test.sh LAB_TEMPLATE}
log=$(mktemp /tmp/preflight-test.XXXXXX)
trap 'rm -f "$log"' EXIT
# SWIFT may be several words (e.g. "xcrun swift"), as $(SWIFT) in the Makefile may.
# SWIFT_TEST_FLAGS: the Makefile passes --explicit-target-dependency-import-check=error (the layers).
# Three passes. The suites that assert a deadline (a hung listener errors within it, a plugin is killed at it, an
# interrupted run stops at once) run after the others, among themselves: beside 100 parallel suites and several Samba
# DCs on 2 cores, a 3 s deadline once took 34 s to be seen. The bare-Debian test (mmdebstrap, dpkg, two minutes of
# both cores) runs last, alone: beside it, a CI run once took more than 10 s to start a plugin's shell.
deadline_suites='DirectoryConnectionTests|MultiDomainDeadlineTests|LDAPFaultTests|ExecProbeTests|InterruptionTests|HostileInputCLITests|InputLimitTests|InputLimitsCLITests|CronHygieneTests|RunnerTests'
status=0
pass() {
    LAB_TEMPLATE="$template" ${SWIFT:-swift} test ${SWIFT_TEST_FLAGS:-} "$@" 2>&1 | tee -a "$log"
    local result=${PIPESTATUS[0]}
    [ "$status" -ne 0 ] || status=$result
}
pass --skip "BareDebian|$deadline_suites"
pass --filter "$deadline_suites"
pass --filter BareDebian
if [ "$status" -ne 0 ]; then
    echo
    echo "make test failed (exit $status). What failed, repeated from above:"
    grep -E "^✘ |: error: |Test Case '.*' failed" "$log" | grep -v "^✘ Test run with" | tail -n 60
    # The runner's own closing line stays the last word.
    grep -E "^✘ Test run with|^Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 2
fi
exit "$status"

#!/usr/bin/env bash
# make bench-directory: the directory benchmark on a 10,000-user / 200-OU Samba AD domain (scripts/lab/build-scale-template.sh).
# USERS and OUS override the size, RUNS the number of measured runs; BENCH_BEFORE=PATH also times another preflight
# binary (a build of main, say) on the same DC, for a before/after table; BENCH_MAX_RSS_MB=N fails the run when a
# preflight run's peak RSS exceeds N MB (issue #19: at 100,000 users, at most twice the 10,000-user figure).
# BENCH_DC_MODEL (default prefork, samba's default and its production model) is the DC's process model; the tests'
# `single` serves every connection and every service in one process (samba(8): not for production).
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS=${USERS:-10000} OUS=${OUS:-200} RUNS=${RUNS:-5} IP=${BENCH_DC_IP:-127.0.0.8}
swift build -c release --product preflight >/dev/null
bash scripts/lab/build-scale-template.sh .lab "$USERS" "$OUS"
echo "DC process model: samba -M ${BENCH_DC_MODEL:-prefork}"
work=$(mktemp -d /tmp/pfbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The run's deadline grows with the domain: the cross-checked run at 100,000 users takes minutes on a loaded machine.
cat > "$work/bench.yml" <<YAML
timeoutSeconds: $((60 + USERS / 50))
ldap:
  url: ldaps://$IP
  caFile: CA_FILE
  bindDN: preflight-reader@corp.example.test
  passwordEnv: BENCH_PASSWORD
  account: MSOL_root
  scope: ["OU=Scale,DC=corp,DC=example,DC=test"]
YAML
# The same run bound as the connector account itself: AD-004/AD-005 then cross-check each verdict with the DC's
# allowedAttributesEffective (the cost of that second judge is the third row).
sed -e 's|bindDN: preflight-reader@corp.example.test|bindDN: MSOL_root@corp.example.test|' \
    -e 's|passwordEnv: BENCH_PASSWORD|passwordEnv: BENCH_ACCOUNT_PASSWORD|' "$work/bench.yml" > "$work/bench-self.yml"
export BENCH_PASSWORD='Read3r!Passw0rd' BENCH_ACCOUNT_PASSWORD='Svc!Passw0rd123'
also=()
[ -n "${BENCH_BEFORE:-}" ] && also=(--also "preflight (before)=$BENCH_BEFORE")
[ -n "${BENCH_MAX_RSS_MB:-}" ] && also+=(--max-rss "$BENCH_MAX_RSS_MB")
# samba ends itself after LAB_MAX_RUNTIME: at 100,000 users five interleaved cross-checked runs take well over an hour.
LAB_PROCESS_MODEL=${BENCH_DC_MODEL:-prefork} LAB_MAX_RUNTIME=${LAB_MAX_RUNTIME:-14400} LAB_TMPDIR=/tmp bash scripts/lab/with-dc.sh ".lab/scale-$USERS.tar.zst" "$IP" -- bash -c '
  sed -i "s|CA_FILE|$LAB_CA_FILE|" "$0/bench.yml" "$0/bench-self.yml"
  python3 scripts/bench/directory_bench.py --preflight "$(swift build -c release --show-bin-path)/preflight" \
    --config "$0/bench.yml" --cross-check-config "$0/bench-self.yml" --url "$LAB_LDAPS_URL" --ca "$LAB_CA_FILE" --base "OU=Scale,$LAB_BASE_DN" \
    --dc-pid-file "$LAB_DC_DIR/run/samba.launcher.pid" --users "$1" --runs "$2" --out "$0" "${@:3}"' "$work" "$USERS" "$RUNS" "${also[@]}"

#!/usr/bin/env bash
# with-netlab.sh SPEC CERTS -- COMMAND...: runs COMMAND while the servers of SPEC (scripts/netlab/netlab.py)
# listen; certificates are made in CERTS on first use. The servers stop when COMMAND ends; its exit code is kept.
set -euo pipefail
spec=$1 certs=$2
shift 2
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^CERTS_VERSION = "\(.*\)"/\1/p' "$here/netlab.py")
[ "$(cat "$certs/VERSION" 2>/dev/null)" = "$version" ] || python3 "$here/netlab.py" certs "$certs"
fifo=$(mktemp -u /tmp/netlab-stdin.XXXXXX)
mkfifo "$fifo"
ports=$(mktemp /tmp/netlab-ports.XXXXXX)
python3 "$here/netlab.py" serve "$spec" --certs "$certs" <"$fifo" >"$ports" &
server=$!
exec 9>"$fifo"   # holding the fifo open keeps netlab running; closing it stops netlab
trap 'exec 9>&-; wait $server 2>/dev/null || true; rm -f "$fifo" "$ports"' EXIT
for _ in $(seq 100); do [ -s "$ports" ] && break; kill -0 $server 2>/dev/null || { echo "netlab did not start" >&2; exit 1; }; sleep 0.05; done
[ -s "$ports" ] || { echo "netlab did not start within 5 s" >&2; exit 1; }
status=0
"$@" || status=$?
exit $status

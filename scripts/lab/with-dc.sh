#!/usr/bin/env bash
# with-dc.sh TEMPLATE.tar.zst IP [MODES] -- CMD [ARG...]     (MODES as in clone.sh: insecure,wrongname,smb)
#
# Clones TEMPLATE into a fresh temp dir (under $LAB_TMPDIR, default /tmp), starts samba on IP, runs CMD with
#   LAB_DC_DIR   the DC directory            LAB_DC_IP    IP
#   LAB_CA_FILE  the test CA (DCDIR/pki/ca.pem)  LAB_LDAPS_URL / LAB_LDAP_URL  ldaps://IP / ldap://IP
#   LAB_BASE_DN  DC=corp,DC=example,DC=test
# then stops samba and deletes the dir (also on error or Ctrl-C), and exits with CMD's exit code.
set -euo pipefail
LAB=$(cd "$(dirname "$0")" && pwd)

usage() { echo "usage: $0 TEMPLATE.tar.zst IP [MODES] -- CMD [ARG...]" >&2; exit 2; }
[ $# -ge 4 ] || usage
TPL=$1 IP=$2
shift 2
MODE=
if [ "$1" != -- ]; then MODE=$1; shift; fi
[ "${1:-}" = -- ] || usage
shift
[ $# -ge 1 ] || usage

T=$(mktemp -d "${LAB_TMPDIR:-/tmp}/labdc.XXXXXX")
# smbd reads SYSVOL (mode smb) as the user it logged on, who must be able to pass through this folder (mktemp: 0700).
chmod 755 "$T"
cleanup() {
  "$LAB/stop.sh" "$T/dc" || true
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$LAB/clone.sh" "$TPL" "$T/dc" "$IP" $MODE
"$LAB/start.sh" "$T/dc"

set +e
LAB_DC_DIR="$T/dc" LAB_DC_IP="$IP" LAB_CA_FILE="$T/dc/pki/ca.pem" \
  LAB_LDAPS_URL="ldaps://$IP" LAB_LDAP_URL="ldap://$IP" LAB_BASE_DN='DC=corp,DC=example,DC=test' "$@"
rc=$?
set -e
exit "$rc"

#!/usr/bin/env bash
# build-template.sh OUTDIR -- build (or reuse) the scenario DC template.
#
# Writes OUTDIR/pki/ (pki.sh), OUTDIR/scenario.tar.zst (provisioned + populated DC, samba stopped,
# paths replaced by @LABDIR@), OUTDIR/scenario.json (DNs and SIDs of every lab object) and
# OUTDIR/scenario.stamp. If the stamp matches (hash of the scripts in scripts/lab, the samba version and
# the CA) the script exits 0 at once. Concurrent callers are serialised with flock on OUTDIR/.scenario.lock.
# Needs real root (samba-tool provision panics in a user namespace).
# Env: LAB_BACKEND_STORE=mdb|tdb (default mdb), LAB_FORCE=1 rebuilds regardless of the stamp.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
OUT=$(cd "$1" && pwd)

exec 9>"$OUT/.scenario.lock"
flock 9

"$LAB_DIR/pki.sh" "$OUT/pki"
stamp=$(lab_stamp scenario "${LAB_BACKEND_STORE:-mdb}" "$(sha256sum < "$OUT/pki/ca.pem")")
if [ -z "${LAB_FORCE:-}" ] && [ -s "$OUT/scenario.tar.zst" ] && [ -f "$OUT/scenario.stamp" ] \
   && [ "$(cat "$OUT/scenario.stamp")" = "$stamp" ]; then
  exit 0
fi

[ "$(id -u)" -eq 0 ] || lab_die "provisioning needs root (the cached template is stale or missing)"
t_all=$(lab_now)
W=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$W"' EXIT
D=$W/dc

t=$(lab_now)
lab_provision "$D" "$OUT/pki"
echo "build-template: provision $(lab_elapsed "$t") s" >&2

t=$(lab_now)
"$LAB_PY" "$LAB_DIR/populate-scenarios.py" "$D/etc/smb.conf" --manifest "$W/scenario.json" > "$W/populate.log" \
  || { cat "$W/populate.log" >&2; lab_die "populate-scenarios.py failed"; }
echo "build-template: populate $(lab_elapsed "$t") s" >&2

t=$(lab_now)
cp "$W/scenario.json" "$D/scenario.json"
lab_snapshot "$D" "$W/scenario.tar.zst"
mv -f "$W/scenario.tar.zst" "$OUT/scenario.tar.zst"
mv -f "$W/scenario.json" "$OUT/scenario.json"
echo "$stamp" > "$OUT/scenario.stamp"
echo "build-template: snapshot $(lab_elapsed "$t") s ($(du -h "$OUT/scenario.tar.zst" | cut -f1)); total $(lab_elapsed "$t_all") s" >&2

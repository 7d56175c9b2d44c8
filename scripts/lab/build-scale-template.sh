#!/usr/bin/env bash
# build-scale-template.sh OUTDIR [USERS] [OUS] -- build (or reuse) the benchmark DC template.
#
# Defaults: 10000 users in 200 OUs. Writes OUTDIR/pki/ (pki.sh), OUTDIR/scale-USERS.tar.zst (same realm,
# domain SID, reader and MSOL_root accounts as the scenario domain; see populate-scale.py),
# OUTDIR/scale-USERS.json and OUTDIR/scale-USERS.stamp. A matching stamp (scripts + samba version + CA +
# USERS + OUS) means exit 0 at once. mdb backend (linear at 100k; tdb is not), ldb batch_mode.
# Timings on 2 cores (Samba 4.17, measured 2026-11): 10k users about 25 s in all; 100k about 4 min.
# Env: LAB_FORCE=1 rebuilds regardless of the stamp.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] && [ $# -le 3 ] || { echo "usage: $0 OUTDIR [USERS] [OUS]" >&2; exit 2; }
USERS=${2:-10000} OUS=${3:-200}
[[ $USERS =~ ^[0-9]+$ ]] && [[ $OUS =~ ^[0-9]+$ ]] && [ "$OUS" -ge 3 ] || lab_die "USERS and OUS must be numbers, OUS >= 3"
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
NAME=scale-$USERS

exec 9>"$OUT/.$NAME.lock"
flock 9

"$LAB_DIR/pki.sh" "$OUT/pki"
stamp=$(lab_stamp scale "$USERS" "$OUS" mdb "$(sha256sum < "$OUT/pki/ca.pem")")
if [ -z "${LAB_FORCE:-}" ] && [ -s "$OUT/$NAME.tar.zst" ] && [ -f "$OUT/$NAME.stamp" ] \
   && [ "$(cat "$OUT/$NAME.stamp")" = "$stamp" ]; then
  exit 0
fi

[ "$(id -u)" -eq 0 ] || lab_die "provisioning needs root (the cached template is stale or missing)"
t_all=$(lab_now)
W=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$W"' EXIT
D=$W/dc

t=$(lab_now)
LAB_BACKEND_STORE=mdb lab_provision "$D" "$OUT/pki"
echo "build-scale-template: provision $(lab_elapsed "$t") s" >&2

t=$(lab_now)
"$LAB_PY" "$LAB_DIR/populate-scale.py" "$D/etc/smb.conf" --users "$USERS" --ous "$OUS" --manifest "$W/$NAME.json" \
  > "$W/populate.log" || { cat "$W/populate.log" >&2; lab_die "populate-scale.py failed"; }
echo "build-scale-template: populate $(lab_elapsed "$t") s ($USERS users, $OUS OUs)" >&2

t=$(lab_now)
cp "$W/$NAME.json" "$D/scale.json"
lab_snapshot "$D" "$W/$NAME.tar.zst"
mv -f "$W/$NAME.tar.zst" "$OUT/$NAME.tar.zst"
mv -f "$W/$NAME.json" "$OUT/$NAME.json"
echo "$stamp" > "$OUT/$NAME.stamp"
echo "build-scale-template: snapshot $(lab_elapsed "$t") s ($(du -h "$OUT/$NAME.tar.zst" | cut -f1)); total $(lab_elapsed "$t_all") s" >&2

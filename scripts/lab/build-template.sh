#!/usr/bin/env bash
# build-template.sh OUTDIR -- build (or reuse) the lab DC templates.
#
# Writes OUTDIR/pki/ (pki.sh), OUTDIR/scenario.tar.zst (provisioned + populated DC, samba stopped,
# paths replaced by @LABDIR@), OUTDIR/scenario.json (DNs and SIDs of every lab object) and
# OUTDIR/scenario.stamp; and the same for the second forest, OUTDIR/fabrikam.{tar.zst,json,stamp}
# (FABRIKAM.EXAMPLE.TEST, populate-fabrikam.py: several domains in one run). A template whose stamp matches
# (hash of the scripts in scripts/lab, the samba version and the CA) is kept as it is. Concurrent callers are
# serialised with flock on OUTDIR/.scenario.lock.
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

# build NAME POPULATE.py [REALM DOMAIN SID CERT] : OUTDIR/NAME.tar.zst, .json and .stamp, unless the stamp matches.
build() {
  local name=$1 populate=$2
  shift 2
  local stamp
  stamp=$(lab_stamp "$name" "${LAB_BACKEND_STORE:-mdb}" "$(sha256sum < "$OUT/pki/ca.pem")")
  if [ -z "${LAB_FORCE:-}" ] && [ -s "$OUT/$name.tar.zst" ] && [ -f "$OUT/$name.stamp" ] \
     && [ "$(cat "$OUT/$name.stamp")" = "$stamp" ]; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || lab_die "provisioning needs root (the cached $name template is stale or missing)"
  local t_all t W D
  t_all=$(lab_now)
  W=$(mktemp -d "$OUT/.build.XXXXXX")
  # shellcheck disable=SC2064  # expand W now: it is this build's folder
  trap "rm -rf '$W'" EXIT
  D=$W/dc

  t=$(lab_now)
  lab_provision "$D" "$OUT/pki" "$@"
  echo "build-template: $name: provision $(lab_elapsed "$t") s" >&2

  t=$(lab_now)
  "$LAB_PY" "$LAB_DIR/$populate" "$D/etc/smb.conf" --manifest "$W/$name.json" > "$W/populate.log" \
    || { cat "$W/populate.log" >&2; lab_die "$populate failed"; }
  echo "build-template: $name: populate $(lab_elapsed "$t") s" >&2

  t=$(lab_now)
  cp "$W/$name.json" "$D/scenario.json"
  lab_snapshot "$D" "$W/$name.tar.zst"
  mv -f "$W/$name.tar.zst" "$OUT/$name.tar.zst"
  mv -f "$W/$name.json" "$OUT/$name.json"
  echo "$stamp" > "$OUT/$name.stamp"
  echo "build-template: $name: snapshot $(lab_elapsed "$t") s ($(du -h "$OUT/$name.tar.zst" | cut -f1)); total $(lab_elapsed "$t_all") s" >&2
  rm -rf "$W"
  trap - EXIT
}

build scenario populate-scenarios.py
build fabrikam populate-fabrikam.py "$LAB_FABRIKAM_REALM" "$LAB_FABRIKAM_DOMAIN" "$LAB_FABRIKAM_SID" fabrikam-dc

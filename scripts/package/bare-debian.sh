#!/usr/bin/env bash
# The bare-Debian test (Tests/PreflightCLITests/BareDebianTests.swift runs it): installs the .deb with apt-get into a
# fresh Debian 12 root made by `mmdebstrap --variant=minbase` (no Swift, nothing of the build machine), then runs, in a
# chroot: preflight --version, list, init, validate, man -w preflight, and a real run of the directory checks against
# the lab DC on loopback (the chroot shares the host's network namespace). Prints the transcript.
# The root holds minbase, the packages the .deb depends on and man-db; it is cached as a tar under .lab/bare-debian/
# by a hash of the mmdebstrap command that makes it (so of that list), so only the first run downloads (from Debian's mirror). Every run unpacks
# a fresh copy. The chroot's mounts live in a private mount namespace (unshare --mount), so they end with it, whatever
# ends the run.
# Usage: bare-debian.sh DEB CA_FILE LDAPS_URL BIND_DN   (env: LAB_PASSWORD, the bind password; BARE_DEBIAN_CACHE: the
# cache folder; BARE_DEBIAN_OUT: a folder that receives the run's latest.json)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "bare-debian: $*" >&2; exit 1; }
[ $# -eq 4 ] || fail "usage: bare-debian.sh DEB CA_FILE LDAPS_URL BIND_DN"
deb=$(realpath "$1"); ca=$(realpath "$2"); url=$3; bind=$4
[ -s "$deb" ] || fail "'$1' does not exist: run 'make package' (make test runs it first)"
[ -n "${LAB_PASSWORD:-}" ] || fail "LAB_PASSWORD (the bind password) is not set"
[ "$(id -u)" = 0 ] || fail "it needs root (mmdebstrap, chroot, mounts): run 'make test' as root"
command -v mmdebstrap >/dev/null || fail "mmdebstrap is missing: run 'make test' or 'sudo make setup' (scripts/setup.sh installs it)"

# The root: minbase, what the package depends on (the first of each alternative, without versions) and man-db.
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$' | sort -u | paste -sd, -)
include="$depends,man-db"
cache=${BARE_DEBIAN_CACHE:-$repo/.lab/bare-debian}
recipe="mmdebstrap --variant=minbase --format=tar --include=$include bookworm"
key=$(echo "$recipe" | sha256sum | cut -c1-16)
root_tar="$cache/root-$key.tar"
if [ ! -s "$root_tar" ]; then
  mkdir -p "$cache"
  rm -f "$cache"/root-*.tar "$cache"/root-*.tar.tmp
  echo "bare-debian: making the Debian 12 root (minbase + $include), cached as $root_tar"
  started=$(date +%s)
  mmdebstrap --quiet --variant=minbase --format=tar --include="$include" bookworm "$root_tar.tmp" \
    || fail "mmdebstrap failed (it needs Debian's package mirror)"
  mv "$root_tar.tmp" "$root_tar"
  echo "bare-debian: root made in $(( $(date +%s) - started )) s"
fi

work=$(mktemp -d /tmp/preflight-bare.XXXXXX)
cleanup() {
  # Nothing is mounted outside the private namespace; never delete through a mount if one were left.
  if findmnt -rn -o TARGET | grep -q "^$work"; then echo "bare-debian: mounts left under $work; not deleting it" >&2; return; fi
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir "$work/root"
tar -xf "$root_tar" -C "$work/root"
cp "$deb" "$work/root/tmp/"
cp "$ca" "$work/root/tmp/lab-ca.pem"
# The demo tenant's exports: INV-003 judges licences with the licensing table the package installs.
mkdir -p "$work/root/root/inventory"
cp "$repo/examples/demo/inventory/users.csv" "$repo/examples/demo/inventory/licenses.csv" "$work/root/root/inventory/"

export ROOT="$work/root" DEB_NAME=$(basename "$deb") URL="$url" BIND="$bind" LAB_PASSWORD BARE_DEBIAN_OUT="${BARE_DEBIAN_OUT:-}"
unshare --mount --propagation private bash -euo pipefail -c '
  mount -t proc proc "$ROOT/proc"
  mount -t sysfs sysfs "$ROOT/sys"
  [ -e "$ROOT/dev/null" ] || { mount -t tmpfs -o mode=0755 dev "$ROOT/dev"; for n in null zero random urandom; do touch "$ROOT/dev/$n"; mount --bind /dev/$n "$ROOT/dev/$n"; done; }
  in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 LAB_PASSWORD="$LAB_PASSWORD" /bin/sh -c "$1"; }
  step() { echo "\$ $1"; in_root "$1" 2>&1; }
  echo "== bare Debian 12 root: $(in_root "cat /etc/debian_version"), swift: $(in_root "command -v swift || echo none")"
  echo "\$ apt-get install ./$DEB_NAME"
  in_root "cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ./$DEB_NAME" >/tmp/bare-apt.$$ 2>&1 \
    || { cat /tmp/bare-apt.$$; rm -f /tmp/bare-apt.$$; exit 1; }
  grep -E "^(Setting up|Unpacking) preflight" /tmp/bare-apt.$$ || true
  rm -f /tmp/bare-apt.$$
  step "ldd /usr/bin/preflight | grep -c swift || true"
  step "preflight --version"
  step "preflight list | head -n 3 && preflight list | wc -l"
  step "man -w preflight"
  step "mkdir -p /root/first-run && cd /root/first-run && preflight init && ls collect"
  step "cd /root/first-run && preflight validate; echo \"exit \$?\""
  # Fill in the ldap section as a consultant would: uncomment it, replace the placeholders.
  in_root "cd /root/first-run && sed -i \
    -e \"s|^# ldap:|ldap:|\" \
    -e \"s|^#   url: <.*|  url: $URL|\" \
    -e \"s|^#   bindDN: <.*|  bindDN: $BIND|\" \
    -e \"s|^#   passwordEnv: PREFLIGHT_LDAP_PASSWORD.*|  passwordEnv: LAB_PASSWORD|\" \
    -e \"s|^#   # caFile: certs/corp-root-ca.pem.*|  caFile: /tmp/lab-ca.pem|\" preflight.yml"
  step "cd /root/first-run && grep -A4 \"^ldap:\" preflight.yml && preflight validate; echo \"exit \$?\""
  step "cd /root/first-run && preflight run --tag directory --format md,json,summary; echo \"exit \$?\""
  step "cd /root/first-run && ls reports/latest.md reports/latest.json"
  step "cd /root/inventory && printf \"inventory: {users: users.csv, licenses: licenses.csv}\\n\" > inv.yml && preflight run --config inv.yml --only INV-003 --format summary; echo \"exit \$?\""
  if [ -n "${BARE_DEBIAN_OUT:-}" ]; then cp -L "$ROOT/root/first-run/reports/latest.json" "$BARE_DEBIAN_OUT/latest.json"; fi
'

#!/usr/bin/env bash
# Installs what the Makefile's targets need on a fresh Debian 12 machine with Swift. `scripts/setup.sh build` (make build):
# only the C libraries the build links. `scripts/setup.sh package` (make package, make install): those and dpkg-dev
# (dpkg-shlibdeps computes the .deb's Depends). `scripts/setup.sh` (make test, make demo, make bench): everything, with the
# test tools (Samba for the lab DC, tinyproxy, mmdebstrap for the bare-Debian package test; git: the provenance tests
# list tracked files; python3: the fixture generators and validators; chromium and poppler-utils: the HTML
# report's browser test loads it headless, screenshots it and prints it to PDF, whose pages pdftoppm counts).
# Idempotent: each step runs only when its tool is missing, so a second run takes well under a second.
set -euo pipefail

mode=${1:-test}
need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

wanted=(libcurl4-openssl-dev libldap2-dev libsmbclient-dev)
case "$mode" in
  build) ;;
  package) wanted+=(dpkg-dev binutils) ;;
  test) wanted+=(dpkg-dev binutils ldap-utils samba samba-ad-dc samba-ad-provision winbind python3-samba openssl zstd tinyproxy
                 curl systemd strace git python3 mmdebstrap chromium poppler-utils) ;;
  *) echo "setup: unknown mode '$mode'; use build, package or test (the default)" >&2; exit 64 ;;
esac
for pkg in "${wanted[@]}"; do
  have_pkg "$pkg" || need_apt+=("$pkg")
done

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing: ${need_apt[*]}. Run 'sudo make setup' (or install them with apt-get) and try again." >&2
    exit 1
  fi
  # Keep package scripts from starting samba/smbd (and tinyproxy) daemons on all interfaces.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
  fi
  echo "setup: installing ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

[ "$mode" = test ] || exit 0

# Python modules the tests use: jsonschema validates every report they produce; cryptography makes the
# expired and soon-expiring certificates for the PLG-001 plugin tests and the network lab (scripts/netlab);
# xmlschema validates the JUnit reports against Jenkins' junit-4.xsd; prometheus_client parses the .prom reports.
PY=${PYTHON:-python3}
for module in jsonschema cryptography xmlschema prometheus_client; do
  if ! "$PY" -c "import $module" >/dev/null 2>&1; then
    echo "setup: installing Python's $module" >&2
    "$PY" -m pip install --quiet "$module"
  fi
done

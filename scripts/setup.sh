#!/usr/bin/env bash
# Installs what `make demo`, `make test` and `make bench` need on a fresh Debian 12 machine with Swift (git: the
# provenance tests list tracked files; python3: the fixture generators and validators; chromium and poppler-utils: the
# HTML report's browser test loads it headless, screenshots it and prints it to PDF, whose pages pdftoppm counts).
# Idempotent: each step runs only when its tool is missing, so a second run takes well under a second.
set -euo pipefail

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

for pkg in libcurl4-openssl-dev libldap2-dev libsmbclient-dev ldap-utils samba samba-ad-dc samba-ad-provision winbind \
           python3-samba openssl zstd tinyproxy curl systemd strace git python3 chromium poppler-utils; do
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

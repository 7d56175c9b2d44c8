#!/usr/bin/env bash
# pki.sh OUTDIR -- test PKI for the Samba AD lab.
#
# Writes (skipping every file that already exists):
#   ca.pem / ca.key                test CA ("Preflight Lab Test CA")
#   dc.pem / dc.key                DC server cert signed by the test CA. SAN: DNS:dc1.corp.example.test,
#                                  DNS:localhost, IP:127.0.0.1 ... IP:127.0.0.9; EKU serverAuth. Key mode 0600
#                                  (samba refuses any other mode and then serves no LDAP at all).
#   other-ca.pem / other-ca.key    a second, unrelated CA (for "TLS trust failure" tests)
#   wrongname.pem / wrongname.key  signed by the test CA, SAN only DNS:wrong.example.test (hostname mismatch)
#   fabrikam-dc.pem / .key         the second forest's DC cert (fabrikam.tar.zst). SAN: DNS:dc1.fabrikam.example.test,
#                                  IP:127.0.0.10 ... IP:127.0.0.19 (the scenario DCs keep 127.0.0.1-9)
# If ca.pem or ca.key is missing, the CA and both certs it signed are regenerated together.
# All keys are EC P-256 (fast to generate; works with samba's GnuTLS and with OpenSSL/libcurl).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
OUT=$1
mkdir -p "$OUT"
cd "$OUT"
exec 8>.pki.lock   # build-template.sh and build-scale-template.sh may run at the same time
flock 8
umask 077
DAYS=3650

new_ca() { # new_ca NAME CN
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$DAYS" -subj "/CN=$2" \
    -keyout "$1.key.tmp" -out "$1.pem.tmp" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  mv "$1.key.tmp" "$1.key"
  mv "$1.pem.tmp" "$1.pem"
}

new_leaf() { # new_leaf NAME CN SAN
  local ext
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$1.key.tmp" -out "$1.csr.tmp" 2>/dev/null
  ext=$(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid' "$3")
  openssl x509 -req -in "$1.csr.tmp" -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 12)" \
    -days "$DAYS" -out "$1.pem.tmp" -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$1.csr.tmp"
  chmod 600 "$1.key.tmp"
  mv "$1.key.tmp" "$1.key"
  mv "$1.pem.tmp" "$1.pem"
}

if [ ! -s ca.pem ] || [ ! -s ca.key ]; then
  rm -f ca.pem ca.key dc.pem dc.key wrongname.pem wrongname.key fabrikam-dc.pem fabrikam-dc.key
  new_ca ca "Preflight Lab Test CA"
fi
if [ ! -s dc.pem ] || [ ! -s dc.key ]; then
  san="DNS:dc1.corp.example.test,DNS:localhost"
  for i in 1 2 3 4 5 6 7 8 9; do san="$san,IP:127.0.0.$i"; done
  new_leaf dc dc1.corp.example.test "$san"
fi
if [ ! -s wrongname.pem ] || [ ! -s wrongname.key ]; then
  new_leaf wrongname wrong.example.test "DNS:wrong.example.test"
fi
if [ ! -s other-ca.pem ] || [ ! -s other-ca.key ]; then
  new_ca other-ca "Preflight Lab Unrelated CA"
fi
if [ ! -s fabrikam-dc.pem ] || [ ! -s fabrikam-dc.key ]; then
  san="DNS:dc1.fabrikam.example.test"
  for i in 10 11 12 13 14 15 16 17 18 19; do san="$san,IP:127.0.0.$i"; done
  new_leaf fabrikam-dc dc1.fabrikam.example.test "$san"
fi
chmod 600 ./*.key
chmod 644 ./*.pem

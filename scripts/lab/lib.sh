# lib.sh -- shared helpers for the lab scripts. Source it; do not run it.
# shellcheck shell=bash

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_PY=/usr/bin/python3              # pyenv's python3 has no samba module
LAB_REALM=CORP.EXAMPLE.TEST
LAB_DOMAIN=CORP
LAB_BASE='DC=corp,DC=example,DC=test'
LAB_DOMAIN_SID=S-1-5-21-1111111111-2222222222-3333333333
LAB_ADMIN_PASS='Passw0rd!Adm1n'
# The second forest (build-template.sh builds it next to the scenario domain): several domains in one run.
LAB_FABRIKAM_REALM=FABRIKAM.EXAMPLE.TEST
LAB_FABRIKAM_DOMAIN=FABRIKAM
LAB_FABRIKAM_SID=S-1-5-21-1444444444-1555555555-1666666666
LAB_PLACEHOLDER=@LABDIR@             # stands for the DC directory inside a template's text files

lab_die() { echo "$(basename "$0"): $*" >&2; exit 1; }

lab_now() { date +%s.%N; }
lab_elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }

# lab_stamp EXTRA... : hash of every script in scripts/lab (the *.md docs excluded, so editing the docs
# does not throw the cache away), the samba version and any extra words (e.g. the scale sizes).
lab_stamp() {
  {
    (cd "$LAB_DIR" && find . -maxdepth 1 -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    samba -V 2>/dev/null || true
    printf '%s\n' "$@"
  } | sha256sum | cut -d' ' -f1
}

# lab_provision DCDIR PKIDIR [REALM DOMAIN SID CERT] : provision a fresh DC into DCDIR (must not exist), by default
# CORP.EXAMPLE.TEST with the lab's fixed SID and the dc certificate. The pki is copied into DCDIR/pki so the template
# carries its own TLS files; CERT (a name in PKIDIR, e.g. fabrikam-dc) is copied there as dc.pem/dc.key.
# LAB_BACKEND_STORE (default mdb) selects the database backend.
lab_provision() {
  local D=$1 P=$2 store=${LAB_BACKEND_STORE:-mdb}
  local realm=${3:-$LAB_REALM} domain=${4:-$LAB_DOMAIN} sid=${5:-$LAB_DOMAIN_SID} cert=${6:-dc}
  [ ! -e "$D" ] || lab_die "lab_provision: $D already exists"
  mkdir -p "$D"/{run,log,pki}
  cp "$P"/ca.pem "$P"/other-ca.pem "$P"/wrongname.pem "$P"/wrongname.key "$D/pki/"
  cp "$P/$cert.pem" "$D/pki/dc.pem"
  cp "$P/$cert.key" "$D/pki/dc.key"
  chmod 600 "$D"/pki/*.key
  : > "$D/run/empty.conf"   # base config: without it provision copies Debian's /etc/samba/smb.conf shares/options
  samba-tool domain provision -s "$D/run/empty.conf" \
    --backend-store="$store" \
    --realm="$realm" --domain="$domain" --server-role=dc --dns-backend=NONE \
    --host-name=DC1 --domain-sid="$sid" \
    --adminpass="$LAB_ADMIN_PASS" --targetdir="$D" \
    --option="interfaces=127.0.0.1/8" --option="bind interfaces only=yes" \
    --option="disable netbios=yes" \
    --option="server services=ldap, cldap, kdc" \
    --option="log file=$D/log/log.%m" --option="max log size=0" \
    --option="pid directory=$D/run" --option="ncalrpc dir=$D/run/ncalrpc" \
    --option="winbindd socket directory=$D/run/winbindd" \
    --option="ntp signd socket directory=$D/run/ntp_signd" \
    --option="usershare path=$D/run/usershares" \
    --option="smb passwd file=$D/private/smbpasswd" \
    --option="panic action=" \
    --option="tls enabled=yes" \
    --option="tls keyfile=$D/pki/dc.key" --option="tls certfile=$D/pki/dc.pem" --option="tls cafile=$D/pki/ca.pem" \
    --option="load printers=no" --option="printing=bsd" --option="printcap name=/dev/null" \
    --option="disable spoolss=yes" \
    > "$D/log/provision.log" 2>&1 || { tail -n 30 "$D/log/provision.log" >&2; lab_die "provision failed (log: $D/log/provision.log)"; }
  # Nothing may point outside the DC dir (checked once by hand with testparm; keep it checked).
  local leak
  leak=$(testparm -s "$D/etc/smb.conf" 2>/dev/null | grep -E '= /' | grep -v -F "$D" | grep -v -E '= /dev/null$' || true)
  [ -z "$leak" ] || lab_die "smb.conf still has paths outside $D: $leak"
}

# lab_snapshot DCDIR OUT.tar.zst : replace DCDIR by the placeholder in every text file, then tar + zstd.
# Samba must be stopped. run/ and log/ are left out (clone.sh recreates them).
lab_snapshot() {
  local D=$1 OUTF=$2 f
  : > "$D/.placeholder-files"
  while IFS= read -r -d '' f; do
    sed -i "s|$D|$LAB_PLACEHOLDER|g" "$f"
    printf '%s\n' "${f#"$D"/}" >> "$D/.placeholder-files"
  done < <(grep -rlIZ -F "$D" "$D" --exclude-dir=run --exclude-dir=log || true)
  if grep -rl -F "$D" "$D" --exclude-dir=run --exclude-dir=log >/dev/null 2>&1; then
    lab_die "a binary file under $D still holds the path: $(grep -rl -F "$D" "$D" --exclude-dir=run --exclude-dir=log | head -3)"
  fi
  rm -rf "$D"/run/* "$D"/log/*
  tar -C "$D" --sparse --warning=no-file-ignored -cf - . | zstd -q -T0 -3 -o "$OUTF.tmp"
  mv -f "$OUTF.tmp" "$OUTF"
}

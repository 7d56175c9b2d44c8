#!/usr/bin/env bash
# clone.sh TEMPLATE.tar.zst DESTDIR IP [MODES]
#
# Restores a DC template into DESTDIR (must not exist, or be empty), points every path in its smb.conf at
# DESTDIR, sets "interfaces = IP/8" (IP must be 127.x.y.z; the lab cert covers 127.0.0.1-127.0.0.9) and
# creates run/ and log/. Prints nothing on success. Samba is not started (see start.sh).
# MODES, comma-separated:
#   insecure   add "ldap server require strong auth = no" to [global] (simple bind on plain ldap:// works)
#   wrongname  serve pki/wrongname.pem (signed by the lab CA, SAN only DNS:wrong.example.test): hostname mismatch
#   smb        also serve SMB (SYSVOL) on IP:445: "server services" gains s3fs (smbd) and winbindd, and the SYSVOL
#              NT ACLs, which the template's tar does not keep, are reset (samba-tool ntacl sysvolreset, ~0.7 s).
#              smbd (libwbclient) looks for winbindd only at /run/samba/winbindd: start samba in a mount namespace
#              that binds DESTDIR/run/winbindd there (SambaDC does, for its smb DCs).
# DESTDIR (absolute) may be at most 83 characters: samba's unix sockets live under it.
set -euo pipefail

usage() { echo "usage: $0 TEMPLATE.tar.zst DESTDIR IP [insecure|wrongname|smb, comma-separated]" >&2; exit 2; }
[ $# -eq 3 ] || [ $# -eq 4 ] || usage
TPL=$1 DEST=$2 IP=$3 MODES=${4:-}
insecure=no wrongname=no smb=no
for m in ${MODES//,/ }; do
  case $m in
    insecure) insecure=yes ;;
    wrongname) wrongname=yes ;;
    smb) smb=yes ;;
    *) usage ;;
  esac
done
[ -f "$TPL" ] || { echo "clone.sh: no template $TPL" >&2; exit 1; }
[[ $IP =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || { echo "clone.sh: IP must be a loopback address 127.x.y.z, got '$IP'" >&2; exit 1; }
DEST=$(realpath -m -- "$DEST")
# Unix socket paths max out at 107 bytes: with a longer DESTDIR samba loses DESTDIR/private/ldap_priv/ldapi
# (88 chars: logged, LDAP over TCP still works) and then its messaging socket (98 chars: samba will not start).
if [ ${#DEST} -gt 83 ]; then
  echo "clone.sh: DESTDIR '$DEST' is ${#DEST} characters; keep it at 83 or less (unix socket path limit)" >&2
  exit 1
fi
if [ -e "$DEST" ]; then
  [ -d "$DEST" ] && [ -z "$(ls -A "$DEST")" ] || { echo "clone.sh: $DEST exists and is not an empty directory" >&2; exit 1; }
fi
mkdir -p "$DEST"
zstd -q -d -c "$TPL" | tar -C "$DEST" -xpf -
mkdir -p "$DEST/run" "$DEST/log"
# Every text file that named the build dir carries the @LABDIR@ placeholder; lab_snapshot (lib.sh) listed
# them in .placeholder-files (in practice only etc/smb.conf).
while IFS= read -r f; do
  [ -n "$f" ] && sed -i "s|@LABDIR@|$DEST|g" "$DEST/$f"
done < "$DEST/.placeholder-files"
sed -i "s|^\([[:space:]]*interfaces[[:space:]]*=\).*|\1 $IP/8|" "$DEST/etc/smb.conf"
if [ "$insecure" = yes ]; then
  sed -i 's|^\[global\]$|[global]\n\tldap server require strong auth = no|' "$DEST/etc/smb.conf"
fi
if [ "$wrongname" = yes ]; then
  sed -i "s|^\([[:space:]]*tls certfile[[:space:]]*=\).*|\1 $DEST/pki/wrongname.pem|; s|^\([[:space:]]*tls keyfile[[:space:]]*=\).*|\1 $DEST/pki/wrongname.key|" "$DEST/etc/smb.conf"
fi
chmod 600 "$DEST"/pki/*.key
if [ "$smb" = yes ]; then
  sed -i 's|^\([[:space:]]*server services[[:space:]]*=\).*|\1 ldap, cldap, kdc, s3fs, winbindd|' "$DEST/etc/smb.conf"
  mkdir -p "$DEST/run/winbindd"
  samba-tool ntacl sysvolreset -s "$DEST/etc/smb.conf" >/dev/null
fi

#!/usr/bin/env bash
# start.sh DCDIR -- start the DC in DCDIR (made by clone.sh) for humans, the demo and the benchmark.
# (The Swift tests spawn samba themselves.)
#
# Runs `samba -s DCDIR/etc/smb.conf -i -M MODEL --maximum-runtime=N` with stdin from the FIFO
# DCDIR/run/stdin.fifo, kept open by a background `sleep` (the "stdin holder"). samba -i exits on EOF,
# so stop.sh only has to kill the holder. Waits until the rootDSE answers on ldap://IP (IP from the
# "interfaces" line); after 30 s (LAB_START_TIMEOUT) it prints the log tail, stops what it started and fails.
# Writes DCDIR/run/samba.launcher.pid (= samba's pid) and DCDIR/run/stdin-holder.pid.
# Env: LAB_MAX_RUNTIME (default 3600 s) -- samba ends itself after that long.
#      LAB_PROCESS_MODEL (default single: one process, quickest to start, the tests' and the demo's) -- samba's -M;
#      the benchmark uses prefork, samba's default and the production model (samba(8): "single ... is not
#      recommended for production configurations").
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DCDIR" >&2; exit 2; }
D=$(cd "$1" && pwd)
CONF=$D/etc/smb.conf
[ -f "$CONF" ] || { echo "start.sh: no $CONF" >&2; exit 1; }
IP=$(sed -n 's|^[[:space:]]*interfaces[[:space:]]*=[[:space:]]*\([0-9.]*\)/.*|\1|p' "$CONF" | head -n1)
[ -n "$IP" ] || { echo "start.sh: no 'interfaces = IP/8' line in $CONF" >&2; exit 1; }
MAXRT=${LAB_MAX_RUNTIME:-3600}
TIMEOUT=${LAB_START_TIMEOUT:-30}
MODEL=${LAB_PROCESS_MODEL:-single}
case "$MODEL" in single|standard|prefork) ;; *) echo "start.sh: LAB_PROCESS_MODEL must be single, standard or prefork, not '$MODEL'" >&2; exit 2;; esac

if [ -f "$D/run/samba.launcher.pid" ]; then
  old=$(cat "$D/run/samba.launcher.pid")
  if kill -0 "$old" 2>/dev/null && [ "$(readlink "/proc/$old/fd/0" 2>/dev/null)" = "$D/run/stdin.fifo" ]; then
    echo "start.sh: samba already running for $D (pid $old)" >&2
    exit 1
  fi
fi
mkdir -p "$D/run" "$D/log"
rm -f "$D/run/stdin.fifo" "$D/run/samba.launcher.pid" "$D/run/stdin-holder.pid"
mkfifo -m 600 "$D/run/stdin.fifo"

# A DC cloned with mode smb (server services include s3fs) serves SYSVOL: smbd finds winbindd only at
# /run/samba/winbindd, so samba runs in a private mount namespace with this DC's socket folder bound there (the
# machine's /run/samba is not touched). unshare and sh exec, so $! is samba's pid.
launcher=()
smb=no
if grep -Eq '^[[:space:]]*server services[[:space:]]*=.*s3fs' "$CONF"; then
  smb=yes
  launcher=(unshare --mount --propagation private /bin/sh -c \
    'mkdir -p /run/samba && mount -t tmpfs -o size=1m preflight-lab /run/samba && mkdir /run/samba/winbindd && mount --bind "$0/run/winbindd" /run/samba/winbindd && exec "$@"' \
    "$D")
fi

# samba's stdin is the FIFO; the open blocks until the holder opens the write end.
setsid "${launcher[@]}" samba -s "$CONF" -i -M "$MODEL" --maximum-runtime="$MAXRT" \
  < "$D/run/stdin.fifo" > "$D/log/stdout.log" 2>&1 &
spid=$!
setsid sleep "$MAXRT" > "$D/run/stdin.fifo" 2>/dev/null < /dev/null &
hpid=$!
echo "$spid" > "$D/run/samba.launcher.pid"
echo "$hpid" > "$D/run/stdin-holder.pid"

fail() {
  echo "start.sh: $*" >&2
  echo "---- tail of $D/log/stdout.log ----" >&2
  tail -n 25 "$D/log/stdout.log" >&2 || true
  "$(dirname "$0")/stop.sh" "$D" >/dev/null 2>&1 || true
  exit 1
}

deadline=$(( $(date +%s%N) + TIMEOUT * 1000000000 ))
until ldapsearch -x -LLL -o nettimeout=2 -l 2 -H "ldap://$IP" -s base -b '' dnsHostName >/dev/null 2>&1; do
  kill -0 "$spid" 2>/dev/null || fail "samba exited during startup"
  [ "$(date +%s%N)" -lt "$deadline" ] || fail "rootDSE on ldap://$IP did not answer within ${TIMEOUT} s"
  sleep 0.05
done
if [ "$smb" = yes ]; then
  until [ -S "$D/run/winbindd/pipe" ] && (exec 3<>"/dev/tcp/$IP/445") 2>/dev/null; do
    kill -0 "$spid" 2>/dev/null || fail "samba exited during startup"
    [ "$(date +%s%N)" -lt "$deadline" ] || fail "SMB on $IP:445 did not answer within ${TIMEOUT} s"
    sleep 0.05
  done
fi

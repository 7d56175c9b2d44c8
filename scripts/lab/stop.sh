#!/usr/bin/env bash
# stop.sh DCDIR -- stop a DC started by start.sh: kill the stdin holder (samba -i then sees EOF and exits),
# wait up to 10 s for samba, then SIGTERM, then SIGKILL. Only the pids recorded in DCDIR/run are touched,
# and only if they still hold this DC's stdin FIFO (a recycled pid is left alone). Idempotent.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DCDIR" >&2; exit 2; }
[ -d "$1" ] || exit 0
D=$(cd "$1" && pwd)

# samba rewrites its command line ("samba: root process"), so a process is recognised as ours by the FIFO:
# samba has it as stdin (fd 0), the holder as stdout (fd 1).
FIFO=$D/run/stdin.fifo
ours() { # ours PID FD
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(readlink "/proc/$1/fd/$2" 2>/dev/null)" = "$FIFO" ]
}
alive() { # a zombie (exited, not yet reaped) counts as gone
  kill -0 "$1" 2>/dev/null && [ "$(sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
gone_within() { # gone_within PID TENTHS
  local i
  for ((i = 0; i < $2; i++)); do
    alive "$1" || return 0
    sleep 0.1
  done
  ! alive "$1"
}

spid=$(cat "$D/run/samba.launcher.pid" 2>/dev/null || true)
hpid=$(cat "$D/run/stdin-holder.pid" 2>/dev/null || true)

samba_ours=no
if ours "$spid" 0; then samba_ours=yes; fi
if ours "$hpid" 1; then
  kill "$hpid" 2>/dev/null || true
fi
if [ "$samba_ours" = yes ]; then
  if ! gone_within "$spid" 100; then
    echo "stop.sh: samba $spid ignored stdin EOF, sending SIGTERM" >&2
    kill "$spid" 2>/dev/null || true
    if ! gone_within "$spid" 50; then
      echo "stop.sh: samba $spid still alive, sending SIGKILL" >&2
      kill -9 "$spid" 2>/dev/null || true
      gone_within "$spid" 20 || { echo "stop.sh: could not stop samba $spid" >&2; exit 1; }
    fi
  fi
fi
rm -f "$D/run/samba.launcher.pid" "$D/run/stdin-holder.pid" "$D/run/stdin.fifo"

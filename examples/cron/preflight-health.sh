#!/usr/bin/env bash
# Writeback Preflight health run for cron (see preflight.crontab): runs the checks, then publishes latest.prom
# to node_exporter's textfile collector. Install as /usr/local/lib/preflight/preflight-health.sh (mode 0755).
#
# Exit code: preflight's own. 0 ready and 1 not ready are findings; the one-line summary on stdout is what cron
# mails. 2 incomplete is NOT a pass: readiness could not be judged (a secret or an export went missing, a critical
# or high check had no input, a check errored); the wrapper publishes the metrics (preflight_ready 0,
# preflight_not_assessed_checks) and says so on stderr, so the mail shows an alert, not just another summary.
# Anything else (64 usage, 66 unreadable file, 70 internal error, 73 cannot write, 75 lock held, 78 invalid
# configuration, …) means the job itself is broken; the wrapper then says so on stderr, and publishes nothing.
# If the metrics cannot be published after a run, it exits 73 (cannot write a report).
#
# Paths can be overridden from the environment (the tests do; cron needs nothing):
set -euo pipefail

preflight=${PREFLIGHT_BIN:-/usr/bin/preflight}
config=${PREFLIGHT_CONFIG:-/etc/preflight/preflight.yml}
reports=${PREFLIGHT_REPORTS:-/var/lib/preflight/reports}
textfile_dir=${PREFLIGHT_TEXTFILE_DIR:-/var/lib/node_exporter/textfile}

umask 027  # the reports name users and groups: not for everyone's eyes

status=0
"$preflight" run --config "$config" --out "$reports" --phase health --format md,json,junit,prom,csv,summary --baseline latest --keep 60 --wait-lock 300 || status=$?

case $status in
  0 | 1) ;;
  2)
    echo "preflight-health: INCOMPLETE (exit 2): readiness could not be judged, which is not a pass. The summary above names what was not assessed; supply that input or fix the check that errored." >&2
    ;;
  *)
    echo "preflight-health: preflight failed with exit code $status: the job is broken, not a finding; metrics not updated." >&2
    exit "$status"
    ;;
esac

# node_exporter reads every *.prom file in its folder, so never point it at $reports (the timestamped copies
# would be read too). Copy latest.prom to a temporary name it ignores in the same folder, then rename it over
# preflight.prom: a scrape sees the old file or the new one, never half of one.
publish_metrics() {
  local tmp
  tmp=$(mktemp "$textfile_dir/.preflight.prom.XXXXXX") || return 1
  if cp "$reports/latest.prom" "$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$textfile_dir/preflight.prom"; then
    return 0
  fi
  rm -f "$tmp"
  return 1
}

if ! publish_metrics; then
  echo "preflight-health: cannot publish $reports/latest.prom to $textfile_dir/preflight.prom." >&2
  exit 73
fi
exit "$status"

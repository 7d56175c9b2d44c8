#!/usr/bin/env python3
"""preflight plugin: warn before the certificates the tool trusts expire.

Reads the plugin request (JSON) on stdin, inspects every PEM certificate in the files named by
params.files and by the configuration's ldap.caFile / network.caFile, and prints one JSON reply.
A CA file that expires silently breaks LDAPS to the DCs and TLS inspection setups; catch it early.
Uses only the standard library and the `openssl` command.
"""
import json
import re
import subprocess
import sys
from datetime import datetime, timezone

PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def certificate_facts(pem: bytes):
    out = subprocess.run(
        ["openssl", "x509", "-noout", "-subject", "-enddate", "-nameopt", "RFC2253"],
        input=pem, capture_output=True, check=True, timeout=10,
    ).stdout.decode()
    subject = re.search(r"^subject=(.*)$", out, re.M).group(1).strip()
    not_after = re.search(r"^notAfter=(.*)$", out, re.M).group(1).strip()
    expires = datetime.strptime(not_after, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc)
    return subject, expires


def main():
    request = json.load(sys.stdin)
    params = request.get("params", {})
    config = request.get("config", {})
    warn_days = int(params.get("warnDays", 30))
    files = list(params.get("files", []))
    for section in ("ldap", "network"):
        ca_file = (config.get(section) or {}).get("caFile")
        if ca_file:
            files.append(ca_file)
    if not files:
        print(json.dumps({"status": "skip", "reason": "no-input",
                          "message": "No certificate files to inspect: set ldap.caFile or network.caFile, or params.files."}))
        return
    now = datetime.now(timezone.utc)
    findings, inspected = [], []
    for path in dict.fromkeys(files):
        try:
            blobs = PEM.findall(open(path, "rb").read())
        except OSError as error:
            findings.append({"status": "error", "target": path, "message": f"Cannot read the file: {error.strerror}."})
            continue
        if not blobs:
            findings.append({"status": "error", "target": path, "message": "The file holds no PEM certificate."})
            continue
        for blob in blobs:
            subject, expires = certificate_facts(blob)
            days = (expires - now).days
            inspected.append({"file": path, "subject": subject, "notAfter": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "daysLeft": days})
            if expires <= now:
                findings.append({"status": "fail", "target": path,
                                 "message": f"The certificate '{subject}' expired on {expires:%Y-%m-%d}.",
                                 "details": {"subject": subject, "notAfter": f"{expires:%Y-%m-%dT%H:%M:%SZ}"}})
            elif days < warn_days:
                findings.append({"status": "warn", "target": path,
                                 "message": f"The certificate '{subject}' expires in {days} days ({expires:%Y-%m-%d}).",
                                 "details": {"subject": subject, "notAfter": f"{expires:%Y-%m-%dT%H:%M:%SZ}"}})
    worst = "pass"
    for level in ("warn", "fail", "error"):
        if any(f["status"] == level for f in findings):
            worst = level
    message = {
        "pass": f"All {len(inspected)} certificates are valid for at least {warn_days} more days.",
        "warn": "Some certificates expire soon.",
        "fail": "Some certificates have expired.",
        "error": "Some certificate files could not be inspected.",
    }[worst]
    print(json.dumps({"status": worst, "message": message, "findings": findings,
                      "evidence": {"certificates": inspected, "warnDays": warn_days}}))


if __name__ == "__main__":
    main()

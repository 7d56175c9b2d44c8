#!/usr/bin/python3
"""populate-fabrikam.py SMBCONF [--manifest FILE]

Populates the second lab forest, FABRIKAM.EXAMPLE.TEST (samba must be STOPPED), for the tests that judge several
domains in one run. It is deliberately small and independent of the scenario domain: its own reader (with its own
password, so each domain's password source is exercised), its own connector account, and one gap of each kind the
multi-domain tests attribute to this domain. Append new objects at the END of main() only (creation order fixes RIDs).

    preflight-reader   the bind account (password FABRIKAM_READER_PW)
    MSOL_fab           connector account: the 3 writeback ACEs on OU=People; Unexpire Password DENIED on the root (the
                       provisioned root grants it to Authenticated Users, as Windows' default does)
    OU=People          ann, ben (writeback allowed)
    OU=Blocked,OU=People  cy (Reset Password denied to MSOL_fab)
    provAgentgMSA$     the Cloud Sync agent's default gMSA (CN=Managed Service Accounts), password retrievable by
                       FABAGENT1$ only; Cloud Sync's writeback set (Reset Password, lockoutTime, pwdLastSet) on
                       OU=CloudSync (user fcs1), all but pwdLastSet on OU=CloudSyncPartial (user fcsp1)

Run with /usr/bin/python3 (pyenv's python3 has no samba module).
"""
import argparse
import sys
import time

sys.dont_write_bytecode = True  # keep scripts/lab free of __pycache__
from lablib import G_RESET, G_UNEXPIRE, G_USER, SVC_PW, Lab, writeback_aces

FABRIKAM_READER_PW = "Fab!Read3r0nly"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smbconf")
    ap.add_argument("--manifest", help="write DNs and SIDs as JSON here")
    a = ap.parse_args()
    t0 = time.monotonic()
    L = Lab(a.smbconf)
    L.user("preflight-reader", FABRIKAM_READER_PW)
    fab_sid = L.user("MSOL_fab", SVC_PW)
    L.add_aces(L.base, "(OD;;CR;%s;;%s)" % (G_UNEXPIRE, fab_sid))
    L.record("domainRoot", L.base, "domainDNS")
    L.ou("OU=People", writeback_aces(fab_sid))
    L.ou("OU=Blocked,OU=People", "(OD;CIIO;CR;%s;%s;%s)" % (G_RESET, G_USER, fab_sid))
    L.user("ann", ou="OU=People")
    L.user("ben", ou="OU=People")
    L.user("cy", ou="OU=Blocked,OU=People")

    # Cloud Sync in this forest too (a Cloud Sync configuration per domain): the agent's default gMSA, as in the scenario
    # domain (populate-scenarios.py section 9), and its host FABAGENT1$.
    L.cloud_sync_agent("fcs1", "fcsp1", "FABAGENT1")

    L.finish(t0, a.manifest)


if __name__ == "__main__":
    main()

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

import ldb
from samba.dcerpc import security
from samba.ndr import ndr_pack

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
    # domain (populate-scenarios.py section 9). Samba 4.17 computes no gMSA password; one is set so that the tests can
    # perform the writes as the gMSA (a Windows DC would not let anyone set it).
    db = L.db
    gmsa_dn = L.dn("CN=provAgentgMSA,CN=Managed Service Accounts")
    db.add({"dn": gmsa_dn, "objectClass": "msDS-GroupManagedServiceAccount", "sAMAccountName": "provAgentgMSA$",
            "msDS-ManagedPasswordInterval": "30", "dNSHostName": "provagentgmsa.%s" % db.domain_dns_name(),
            "userAccountControl": "4096"})
    L.record("provAgentgMSA", gmsa_dn, "msDS-GroupManagedServiceAccount")
    db.setpassword("(sAMAccountName=provAgentgMSA$)", SVC_PW, force_change_at_next_login=False)
    L.ou("OU=CloudSync", writeback_aces(L.sid("provAgentgMSA")))
    L.ou("OU=CloudSyncPartial", writeback_aces(L.sid("provAgentgMSA"), ("reset", "lockout")))
    L.user("fcs1", ou="OU=CloudSync")
    L.user("fcsp1", ou="OU=CloudSyncPartial")
    agent_dn = L.dn("CN=FABAGENT1,CN=Computers")
    db.add({"dn": agent_dn, "objectClass": "computer", "sAMAccountName": "FABAGENT1$", "userAccountControl": "4096"})
    L.record("FABAGENT1", agent_dn, "computer")
    readers = security.descriptor.from_sddl("O:BAD:(A;;0xf01ff;;;%s)" % L.sid("FABAGENT1"), security.dom_sid(db.get_domain_sid()))
    m = ldb.Message(ldb.Dn(db, gmsa_dn))
    m["msDS-GroupMSAMembership"] = ldb.MessageElement(ndr_pack(readers), ldb.FLAG_MOD_REPLACE, "msDS-GroupMSAMembership")
    db.modify(m)

    L.finish(t0, a.manifest)


if __name__ == "__main__":
    main()

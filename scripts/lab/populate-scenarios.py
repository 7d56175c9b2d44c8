#!/usr/bin/python3
"""populate-scenarios.py SMBCONF [--manifest FILE]

Populates the freshly provisioned CORP.EXAMPLE.TEST scenario domain (samba must be STOPPED; this opens
the local sam.ldb as the system session). Object names, order and ACEs are a contract with the Swift
tests and with SCENARIOS.md: the domain SID is fixed, so creation order fixes every RID. Append new
objects at the END of main() only, or all later RIDs shift.

Run with /usr/bin/python3 (pyenv's python3 has no samba module).
"""
import argparse
import sys
import time

import ldb
from samba.dsdb import GTYPE_DISTRIBUTION_GLOBAL_GROUP

sys.dont_write_bytecode = True  # keep scripts/lab free of __pycache__
from lablib import (G_GROUPTYPE, G_RESET, G_TOKENGROUPS, G_TOKENGROUPS_GU, G_TOKENGROUPS_NOGC, G_UNEXPIRE, G_USER,
                    READER_PW, SVC_PW,
                    USER_PW, Lab, writeback_aces)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smbconf")
    ap.add_argument("--manifest", help="write DNs and SIDs as JSON here")
    a = ap.parse_args()
    t0 = time.monotonic()
    L = Lab(a.smbconf)
    db = L.db
    B = L.base

    # --- 1. the reader and the root-scoped connector account, then the domain-root ACEs (before the
    #        other users exist, so creating them is cheap and they inherit at creation time).
    L.user("preflight-reader", READER_PW)
    root_sid = L.user("MSOL_root", SVC_PW)
    L.add_aces(B, writeback_aces(root_sid) + "(OA;;CR;%s;;%s)" % (G_UNEXPIRE, root_sid))
    L.record("domainRoot", B, "domainDNS")

    # --- 2. the other connector accounts (CN=Users) and groups
    for name in ("MSOL_direct", "MSOL_nested", "MSOL_partial", "MSOL_ga", "MSOL_ps", "MSOL_disabled",
                 "MSOL_hidden"):
        L.user(name, SVC_PW)
    db.disable_account("(sAMAccountName=MSOL_disabled)")
    L.group("SyncWriteback")
    L.group("SyncOuter")
    L.group("PSO-Group")
    db.add_remove_group_members("SyncWriteback", ["MSOL_nested", "MSOL_hidden"], add_members_operation=True)
    db.add_remove_group_members("SyncOuter", ["SyncWriteback"], add_members_operation=True)

    # --- 3. OUs, each with its ACEs BEFORE its users
    L.ou("OU=Staff", key="OU=Staff")
    L.ou("OU=Denied,OU=Staff", "(OD;CIIO;CR;%s;%s;%s)" % (G_RESET, G_USER, root_sid))
    legacy = L.ou("OU=Legacy,OU=Staff")
    L.protect_dacl(legacy)
    L.ou("OU=Admins")
    L.ou("OU=Direct", writeback_aces(L.sid("MSOL_direct")))
    L.ou("OU=Nested", writeback_aces(L.sid("SyncOuter")))
    L.ou("OU=Partial", writeback_aces(L.sid("MSOL_partial"), ("reset", "lockout")))
    L.ou("OU=GenericAll", "(OA;CIIO;GA;;%s;%s)" % (G_USER, L.sid("MSOL_ga")))
    L.ou("OU=PropSet", writeback_aces(L.sid("MSOL_ps"), ("reset", "lockout", "uar")))
    L.ou("OU=Sales\\, EMEA")

    # --- 4. users in the OUs
    L.user("alice", ou="OU=Staff")
    L.user("bob", ou="OU=Staff")
    L.user("erin", ou="OU=Staff")
    L.protect_dacl(L.manifest["objects"]["erin"]["dn"])
    # frank: inetOrgPerson (a subclass of user, but a different class GUID)
    frank_dn = L.dn("CN=frank,OU=Staff")
    db.add({"dn": frank_dn, "objectClass": "inetOrgPerson", "sAMAccountName": "frank",
            "userPrincipalName": "frank@%s" % L.db.domain_dns_name(),
            "userAccountControl": "512",
            "unicodePwd": ('"%s"' % USER_PW).encode("utf-16-le")})
    L.record("frank", frank_dn, "inetOrgPerson")
    L.user("carol", ou="OU=Denied,OU=Staff")
    L.user("dave", ou="OU=Legacy,OU=Staff")
    L.user("t0admin", ou="OU=Admins")
    db.add_remove_group_members("Domain Admins", ["t0admin"], add_members_operation=True)
    t0_dn = L.manifest["objects"]["t0admin"]["dn"]
    L.stamp_adminsdholder(t0_dn)   # Samba has no SDProp: adminCount=1 + AdminSDHolder's DACL, by hand
    L.user("direct1", ou="OU=Direct")
    L.user("direct2", ou="OU=Direct")
    L.user("nested1", ou="OU=Nested")
    L.user("partial1", ou="OU=Partial")
    L.user("ga1", ou="OU=GenericAll")
    L.user("ps1", ou="OU=PropSet")
    L.user("emea1", ou="OU=Sales\\, EMEA")

    # --- 5. fine-grained password policy on bob (via PSO-Group)
    db.add_remove_group_members("PSO-Group", ["bob"], add_members_operation=True)
    pso_dn = L.dn("CN=pso-min-age,CN=Password Settings Container,CN=System")
    day = 24 * 3600 * 10 ** 7
    db.add({"dn": pso_dn, "objectClass": "msDS-PasswordSettings",
            "msDS-PasswordSettingsPrecedence": "10",
            "msDS-PasswordReversibleEncryptionEnabled": "FALSE",
            "msDS-PasswordHistoryLength": "24",
            "msDS-PasswordComplexityEnabled": "TRUE",
            "msDS-MinimumPasswordLength": "7",
            "msDS-MinimumPasswordAge": str(-2 * day),
            "msDS-MaximumPasswordAge": str(-42 * day),
            "msDS-LockoutThreshold": "0",
            "msDS-LockoutObservationWindow": str(-30 * 60 * 10 ** 7),
            "msDS-LockoutDuration": str(-30 * 60 * 10 ** 7),
            "msDS-PSOAppliesTo": L.manifest["objects"]["PSO-Group"]["dn"]})
    L.record("pso-min-age", pso_dn, "msDS-PasswordSettings")

    # --- 6. MSOL_hidden: preflight-reader may not read its tokenGroups, nor the two sibling constructed
    #        attributes (tokenGroupsGlobalAndUniversal, tokenGroupsNoGCAcceptable) that would give the
    #        same answer. Samba then omits them silently; memberOf and the in-chain (1.2.840.113556.1.4.1941)
    #        member query stay readable, which is the fallback under test.
    hidden_dn = L.manifest["objects"]["MSOL_hidden"]["dn"]
    L.add_aces(hidden_dn, "".join("(OD;;RP;%s;;%s)" % (g, L.sid("preflight-reader"))
                                  for g in (G_TOKENGROUPS, G_TOKENGROUPS_GU, G_TOKENGROUPS_NOGC)))

    # --- 7. an OU whose name starts with '#' (escaped \#), if samba accepts it
    try:
        L.ou("OU=\\#Hash", key="OU=#Hash")
        L.user("hash1", ou="OU=\\#Hash")
    except ldb.LdbError as e:
        L.manifest["notes"].append("OU=\\#Hash rejected: %s" % (e.args,))
        print("note: OU=\\#Hash rejected by samba: %s" % (e.args,), file=sys.stderr)

    # --- 8. the logon token (issue: verdicts a DC agrees with). Each account's tokenGroups is hidden from
    #        preflight-reader, so a run bound as the reader reconstructs the token from memberships, and a run
    #        bound as the account itself reads tokenGroups (and allowedAttributesEffective). Provisioning makes
    #        Authenticated Users a member of BUILTIN\Pre-Windows 2000 Compatible Access (S-1-5-32-554).
    prew2k = "S-1-5-32-554"
    for name in ("MSOL_pw2k", "MSOL_primary", "MSOL_dist", "MSOL_opaque"):
        L.user(name, SVC_PW)
        L.add_aces(L.manifest["objects"][name]["dn"], "".join(
            "(OD;;RP;%s;;%s)" % (g, L.sid("preflight-reader")) for g in (G_TOKENGROUPS, G_TOKENGROUPS_GU, G_TOKENGROUPS_NOGC)))
    # MSOL_primary's primary group is SyncPrimary, which SyncPrimaryOuter contains (not a member link of the account).
    L.group("SyncPrimary")
    L.group("SyncPrimaryOuter")
    db.add_remove_group_members("SyncPrimary", ["MSOL_primary"], add_members_operation=True)
    db.add_remove_group_members("SyncPrimaryOuter", ["SyncPrimary"], add_members_operation=True)
    L.set_attr(L.manifest["objects"]["MSOL_primary"]["dn"], "primaryGroupID", L.sid("SyncPrimary").rsplit("-", 1)[1])
    # SyncDist: a distribution group (never in a token). SyncOpaque: a security group whose groupType the reader may not read.
    db.newgroup("SyncDist", grouptype=GTYPE_DISTRIBUTION_GLOBAL_GROUP)
    L.record("SyncDist", L.dn("CN=SyncDist,CN=Users"), "group")
    db.add_remove_group_members("SyncDist", ["MSOL_dist"], add_members_operation=True)
    L.group("SyncOpaque")
    db.add_remove_group_members("SyncOpaque", ["MSOL_opaque"], add_members_operation=True)
    L.add_aces(L.manifest["objects"]["SyncOpaque"]["dn"], "(OD;;RP;%s;;%s)" % (G_GROUPTYPE, L.sid("preflight-reader")))
    deny_reset = "(OD;CIIO;CR;%s;%s;%%s)" % (G_RESET, G_USER)
    L.ou("OU=PreW2kGrant", writeback_aces(prew2k))
    L.ou("OU=PreW2kDeny", deny_reset % prew2k + writeback_aces(L.sid("MSOL_pw2k")))
    L.ou("OU=PrimaryNest", writeback_aces(L.sid("SyncPrimaryOuter")))
    L.ou("OU=DistGrant", writeback_aces(L.sid("SyncDist")))
    L.ou("OU=DistDeny", deny_reset % L.sid("SyncDist") + writeback_aces(L.sid("MSOL_dist")))
    L.ou("OU=Opaque", writeback_aces(L.sid("SyncOpaque")))
    for user, ou in (("pw2kg1", "OU=PreW2kGrant"), ("pw2kd1", "OU=PreW2kDeny"), ("prim1", "OU=PrimaryNest"),
                     ("distg1", "OU=DistGrant"), ("distd1", "OU=DistDeny"), ("opaque1", "OU=Opaque")):
        L.user(user, ou=ou)

    # --- 9. Cloud Sync: the provisioning agent's default gMSA, provAgentgMSA$, with Cloud Sync's writeback set
    #        (Reset Password, lockoutTime, pwdLastSet on descendant users; no Change Password) on OU=CloudSync, and
    #        all but pwdLastSet on OU=CloudSyncPartial (lablib's cloud_sync_agent: a password is set, as Samba computes
    #        none); the agent's host CSAGENT1$ alone may retrieve the gMSA's password (AD-017).
    L.cloud_sync_agent("cs1", "csp1", "CSAGENT1")

    L.finish(t0, a.manifest)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""dump-sddl.py SMBCONF [--all] [NAME_OR_DN ...]

Prints the security descriptor of lab objects as SDDL, read offline from the local sam.ldb (samba may be
running or stopped). Without --all only the "interesting" ACEs are shown: every ACE whose trustee is a
lab connector account / group / the reader, every deny ACE, and the Change-Password ACEs; plus the
DACL control flags (P = SE_DACL_PROTECTED, AI = auto-inherited). NAME is a sAMAccountName or an OU
path like "OU=Legacy,OU=Staff"; default: all users, groups and OUs the scenario populate created.
"""
import argparse
import re

import ldb
from samba.auth import system_session
from samba.dcerpc import security
from samba.ndr import ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB

G_CHANGE = "ab721a53-1e2f-11d0-9819-00aa0040529b"

ap = argparse.ArgumentParser()
ap.add_argument("smbconf")
ap.add_argument("names", nargs="*")
ap.add_argument("--all", action="store_true", help="print every ACE")
a = ap.parse_args()

lp = LoadParm()
lp.load(a.smbconf)
db = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
base = str(db.domain_dn())
dom = security.dom_sid(db.get_domain_sid())

# SIDs worth showing: the lab's accounts and groups (name -> SID)
names = {}
for r in db.search(base, scope=ldb.SCOPE_SUBTREE,
                   expression="(|(sAMAccountName=MSOL_*)(sAMAccountName=Sync*)(sAMAccountName=preflight-reader))",
                   attrs=["sAMAccountName", "objectSid"]):
    names[str(ndr_unpack(security.dom_sid, r["objectSid"][0]))] = str(r["sAMAccountName"][0])


def resolve(n):
    if "=" in n:
        return n if n.lower().endswith(base.lower()) else "%s,%s" % (n, base)
    res = db.search(base, scope=ldb.SCOPE_SUBTREE, expression="(sAMAccountName=%s)" % n, attrs=[])
    return str(res[0].dn)


if a.names:
    dns = [resolve(n) for n in a.names]
else:
    res = db.search(base, scope=ldb.SCOPE_SUBTREE,
                    expression="(|(objectClass=organizationalUnit)(&(objectClass=user)(!(isCriticalSystemObject=TRUE)))"
                               "(&(objectClass=group)(!(isCriticalSystemObject=TRUE))))",
                    attrs=[])
    dns = [base] + sorted((str(r.dn) for r in res), key=lambda d: (d.count(","), d))

for dn in dns:
    r = db.search(dn, scope=ldb.SCOPE_BASE, attrs=["nTSecurityDescriptor", "objectClass"])[0]
    sd = ndr_unpack(security.descriptor, r["nTSecurityDescriptor"][0])
    sddl = sd.as_sddl(dom)
    m = re.search(r"D:([A-Z]*)(\(.*?)(S:|$)", sddl)
    dflags, aces = m.group(1), re.findall(r"\([^)]*\)", m.group(2))
    cls = str(r["objectClass"][-1])
    print("%s  [%s]  DACL flags=%s  aces=%d" % (dn, cls, dflags or "-", len(aces)))
    for ace in aces:
        sid = ace[1:-1].split(";")[-1]
        keep = a.all or sid in names or ace.startswith("(OD") or ace.startswith("(D;") or G_CHANGE in ace
        if keep:
            label = names.get(sid, "")
            for s, n in names.items():
                ace = ace.replace(s, n)
            print("    %s" % ace)

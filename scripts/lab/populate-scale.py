#!/usr/bin/python3
"""populate-scale.py SMBCONF [--users N] [--ous M] [--manifest FILE]

Populates the benchmark domain (samba STOPPED; local sam.ldb with ldb batch_mode: 10k users in 17 s, not 126 s):
  CN=Users:  preflight-reader ('Read3r!Passw0rd') and MSOL_root ('Svc!Passw0rd123'), as in the scenario domain
  domain root: MSOL_root's writeback ACEs (reset / WP lockoutTime / WP pwdLastSet, CIIO on user objects)
               and Unexpire Password -- set BEFORE any user exists (afterwards costs 16 s per 10k users)
  OU=Scale:  M OUs OU=OU0001..; N users u0000001.. spread evenly (enabled, userAccountControl=512, no
             password: they cannot bind; only the two accounts above can)
Deliberately broken cases, so the checks have findings:
  OU=OU0002  explicit deny of Reset Password for MSOL_root (OD;CIIO;CR;reset;user) -> its users: reset denied
  OU=OU0003  inheritance disabled (protected DACL, inherited ACEs removed)         -> its users: no rights
  the first 5 users of OU=OU0001: adminCount=1 and a protected DACL (what SDProp would do)
"""
import argparse
import json
import sys
import time

import ldb

sys.dont_write_bytecode = True  # keep scripts/lab free of __pycache__
from lablib import G_RESET, G_UNEXPIRE, G_USER, READER_PW, SVC_PW, Lab, writeback_aces

ap = argparse.ArgumentParser()
ap.add_argument("smbconf")
ap.add_argument("--users", type=int, default=10000)
ap.add_argument("--ous", type=int, default=200)
ap.add_argument("--commit-every", type=int, default=10000)
ap.add_argument("--manifest")
a = ap.parse_args()
if a.ous < 3:
    sys.exit("need at least 3 OUs (OU0002 and OU0003 are the broken cases)")

T = {}
t_all = time.monotonic()


def mark(name, t0):
    T[name] = round(time.monotonic() - t0, 2)
    print("%-12s %7.2f s" % (name, T[name]), flush=True)


t0 = time.monotonic()
L = Lab(a.smbconf, options=["batch_mode:1"])
db = L.db
B = L.base
realm = db.domain_dns_name()
L.user("preflight-reader", READER_PW)
root_sid = L.user("MSOL_root", SVC_PW)
L.add_aces(B, writeback_aces(root_sid) + "(OA;;CR;%s;;%s)" % (G_UNEXPIRE, root_sid))
L.record("domainRoot", B, "domainDNS")
mark("base", t0)

t0 = time.monotonic()
scale = L.dn("OU=Scale")
ou_dns = ["OU=OU%04d,%s" % (i, scale) for i in range(1, a.ous + 1)]
db.transaction_start()
db.create_ou(scale)
for dn in ou_dns:
    db.create_ou(dn)
db.transaction_commit()
L.add_aces(ou_dns[1], "(OD;CIIO;CR;%s;%s;%s)" % (G_RESET, G_USER, root_sid))
L.protect_dacl(ou_dns[2])
mark("ous", t0)

t0 = time.monotonic()
per, extra = divmod(a.users, a.ous)
n = 0
in_tx = False
admin_users = []
for i, ou in enumerate(ou_dns):
    for _ in range(per + (1 if i < extra else 0)):
        n += 1
        name = "u%07d" % n
        if not in_tx:
            db.transaction_start()
            in_tx = True
        db.add({"dn": "CN=%s,%s" % (name, ou), "objectClass": "user", "sAMAccountName": name,
                "userPrincipalName": "%s@%s" % (name, realm), "userAccountControl": "512"})
        if i == 0 and len(admin_users) < 5:
            admin_users.append("CN=%s,%s" % (name, ou))
        if n % a.commit_every == 0:
            db.transaction_commit()
            in_tx = False
            print("  %d users %.1f s" % (n, time.monotonic() - t0), flush=True)
if in_tx:
    db.transaction_commit()
mark("users", t0)

t0 = time.monotonic()
for dn in admin_users:
    L.stamp_adminsdholder(dn)
mark("admins", t0)
mark("total", t_all)

if a.manifest:
    L.manifest.update({"users": n, "ous": a.ous, "seconds": T,
                       "broken": {"denyResetOU": ou_dns[1], "protectedOU": ou_dns[2], "adminCountUsers": admin_users}})
    with open(a.manifest, "w") as f:
        json.dump(L.manifest, f, indent=1, sort_keys=True)

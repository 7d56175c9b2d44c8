#!/usr/bin/python3
"""verify-scenarios.py DCDIR [--json OUT]

Measures, against a RUNNING scenario DC (clone.sh + start.sh, or via with-dc.sh), what each connector
account can really do to each lab user, over LDAPS with ldapmodify/ldapsearch (the same libldap the tool
uses). DESTRUCTIVE: it resets passwords and writes lockoutTime/pwdLastSet, so run it on a throwaway clone:

    scripts/lab/verify.sh OUTDIR            (build/reuse the template, clone, start, run this, stop)

Per (account, target) it runs four modifies, in this order, each in its own LDIF record:
  lockoutTime  replace lockoutTime: 0          -> needs WP lockoutTime
  pwdLastSet   replace pwdLastSet: -1          -> needs WP pwdLastSet (or its property set)
  change       delete old unicodePwd / add new -> needs CR Change Password (+ knowing the old password)
  reset        replace unicodePwd              -> needs CR Reset Password
and prints OK / DENY (rc 50) / TOO-YOUNG (rc 19 0000052D: ACL passed, blocked by the minimum password
age) / BIND (the account cannot bind) / other. It also reads allowedAttributesEffective as the account
(Samba's own non-destructive view of writable attributes) and a few attributes as preflight-reader.
"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys

SVC_PW = "Svc!Passw0rd123"
USER_PW = "Us3r!Passw0rd"
ACCOUNTS = {"MSOL_root": SVC_PW, "MSOL_direct": SVC_PW, "MSOL_nested": SVC_PW, "MSOL_partial": SVC_PW,
            "MSOL_ga": SVC_PW, "MSOL_ps": SVC_PW, "MSOL_hidden": SVC_PW, "MSOL_disabled": SVC_PW,
            "preflight-reader": "Read3r!Passw0rd"}
TARGETS = ["alice", "bob", "erin", "frank", "carol", "dave", "t0admin", "direct1", "direct2", "nested1",
           "partial1", "ga1", "ps1", "emea1", "hash1", "Administrator", "MSOL_direct"]
OPS = ["lockoutTime", "pwdLastSet", "change", "reset"]

ap = argparse.ArgumentParser()
ap.add_argument("dcdir")
ap.add_argument("--json")
a = ap.parse_args()

D = os.path.abspath(a.dcdir)
man = json.load(open(os.path.join(D, "scenario.json")))
objs = man["objects"]
base = man["base"]
conf = open(os.path.join(D, "etc/smb.conf")).read()
ip = re.search(r"^\s*interfaces\s*=\s*([0-9.]+)/", conf, re.M).group(1)
URL = "ldaps://" + ip
env = dict(os.environ, LDAPTLS_CACERT=os.path.join(D, "pki/ca.pem"), LDAPTLS_REQCERT="demand")
DN = {k: v["dn"] for k, v in objs.items()}
DN["Administrator"] = "CN=Administrator,CN=Users," + base
current_pw = {t: USER_PW for t in TARGETS}
current_pw["Administrator"] = "Passw0rd!Adm1n"
current_pw["MSOL_direct"] = SVC_PW


def upw(p):
    return base64.b64encode(('"%s"' % p).encode("utf-16-le")).decode()


def bindargs(acct):
    return ["-x", "-H", URL, "-D", "%s@corp.example.test" % acct, "-w", ACCOUNTS.get(acct, "Passw0rd!Adm1n")]


def search(acct, dn, attrs, extra=()):
    p = subprocess.run(["ldapsearch", "-LLL", "-o", "ldif-wrap=no"] + bindargs(acct) + list(extra)
                       + ["-b", dn, "-s", "base", "(objectClass=*)"] + attrs,
                       env=env, capture_output=True, text=True)
    vals = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^([A-Za-z0-9-]+)(::?) ?(.*)$", line)
        if m and m.group(1) != "dn":
            vals.setdefault(m.group(1), []).append(m.group(3))
    return p.returncode, vals, p.stderr.strip()


counter = [0]


def attempt(acct, target):
    dn = DN[target]
    counter[0] += 1
    chg = "Chg!%dPassw0rd" % counter[0]
    rst = "Rst!%dPassw0rd" % counter[0]
    recs = [
        "dn: %s\nchangetype: modify\nreplace: lockoutTime\nlockoutTime: 0\n-\n" % dn,
        "dn: %s\nchangetype: modify\nreplace: pwdLastSet\npwdLastSet: -1\n-\n" % dn,
        "dn: %s\nchangetype: modify\ndelete: unicodePwd\nunicodePwd:: %s\n-\nadd: unicodePwd\nunicodePwd:: %s\n-\n"
        % (dn, upw(current_pw[target]), upw(chg)),
        "dn: %s\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: %s\n-\n" % (dn, upw(rst)),
    ]
    p = subprocess.run(["stdbuf", "-o0", "-e0", "ldapmodify", "-c"] + bindargs(acct),
                       input="\n".join(recs), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout
    if "ldap_bind" in out:
        m = re.search(r"data ([0-9a-f]+)", out)
        return {op: "BIND(%s)" % (m.group(1) if m else "?") for op in OPS}
    chunks = out.split('modifying entry "')[1:]
    res = {}
    for op, ch in zip(OPS, chunks):
        if "ldap_modify" not in ch:
            res[op] = "OK"
        elif "(50)" in ch:
            res[op] = "DENY"
        elif "0000052D" in ch and "too young" in ch:
            res[op] = "TOO-YOUNG"
        else:
            m = re.search(r"ldap_modify: (.*)\n\s*additional info: (.*)", ch)
            res[op] = "ERR(%s)" % (m.group(0).replace("\n", " ") if m else ch.strip())
    if res.get("change") == "OK":
        current_pw[target] = chg
    if res.get("reset") == "OK":
        current_pw[target] = rst
    return res


def effective(acct, target):
    rc, v, err = search(acct, DN[target], ["allowedAttributesEffective"])
    ae = set(x.lower() for x in v.get("allowedAttributesEffective", []))
    return "".join(["L" if "lockouttime" in ae else "-", "P" if "pwdlastset" in ae else "-"])


result = {"url": URL, "matrix": {}, "effective": {}, "reader": {}, "facts": {}}

# --- facts about the DC and what preflight-reader can see
rc, root, _ = search("preflight-reader", "", ["supportedControl", "dsServiceName", "supportedCapabilities",
                                              "domainFunctionality"])
ctl = root.get("supportedControl", [])
result["facts"]["supportedControl"] = sorted(set(ctl))
result["facts"]["has_2066"] = "1.2.840.113556.1.4.2066" in ctl
result["facts"]["has_2239"] = "1.2.840.113556.1.4.2239" in ctl
rc, v, err = search("preflight-reader", root["dsServiceName"][0], ["msDS-isRODC"])
result["facts"]["msDS-isRODC(reader)"] = v.get("msDS-isRODC", ["<absent> rc=%d %s" % (rc, err)])
rc, v, err = search("preflight-reader", base, ["minPwdAge", "maxPwdAge", "pwdProperties", "lockoutThreshold"])
result["facts"]["domainPolicy(reader)"] = v
rc, v, err = search("preflight-reader", DN["pso-min-age"], ["msDS-MinimumPasswordAge", "msDS-PasswordSettingsPrecedence"])
result["facts"]["pso(reader)"] = v or "<nothing> rc=%d %s" % (rc, err)
rc, v, err = search("Administrator", DN["pso-min-age"], ["msDS-MinimumPasswordAge", "msDS-PasswordSettingsPrecedence",
                                                          "msDS-PSOAppliesTo"])
result["facts"]["pso(admin)"] = v
for acct in ("MSOL_nested", "MSOL_hidden"):
    for who in ("preflight-reader", acct):
        rc, v, err = search(who, DN[acct], ["tokenGroups", "tokenGroupsGlobalAndUniversal", "tokenGroupsNoGCAcceptable",
                                            "memberOf"])
        result["facts"]["%s tokenGroups as %s" % (acct, who)] = {k: len(x) for k, x in v.items()} or "rc=%d %s" % (rc, err)
    p = subprocess.run(["ldapsearch", "-LLL", "-o", "ldif-wrap=no"] + bindargs("preflight-reader")
                       + ["-b", base, "(member:1.2.840.113556.1.4.1941:=%s)" % DN[acct], "dn"],
                       env=env, capture_output=True, text=True)
    result["facts"]["%s in-chain groups as reader" % acct] = re.findall(r"^dn: (CN=[^,]+)", p.stdout, re.M)

# --- per target: what the reader sees
for t in TARGETS:
    rc, v, err = search("preflight-reader", DN[t], ["userAccountControl", "pwdLastSet", "adminCount", "objectSid",
                                                    "msDS-ResultantPSO", "nTSecurityDescriptor", "objectClass"],
                        extra=["-E", "1.2.840.113556.1.4.801=::MAMCAQQ="])
    result["reader"][t] = {k: (len(x) if k in ("nTSecurityDescriptor", "objectSid") else x) for k, x in v.items()}
    if rc:
        result["reader"][t]["rc"] = "%d %s" % (rc, err)

# --- the matrix (allowedAttributesEffective first: it is non-destructive)
for acct in ACCOUNTS:
    result["effective"][acct] = {t: effective(acct, t) for t in TARGETS}
for acct in ACCOUNTS:
    result["matrix"][acct] = {t: attempt(acct, t) for t in TARGETS}

if a.json:
    with open(a.json, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)

ABBR = {"OK": "Y", "DENY": "n", "TOO-YOUNG": "y*"}
print("# facts")
for k, v in result["facts"].items():
    print("%s: %s" % (k, v))
print("\n# reader view (attribute -> values; SD/objectSid = number of values)")
for t, v in result["reader"].items():
    print("%-14s %s" % (t, v))
print("\n# matrix: cell = lockoutTime/pwdLastSet/change/reset  (Y ok, n denied, y* ACL ok but password too young)"
      "  [allowedAttributesEffective: L=lockoutTime P=pwdLastSet]")
print("%-14s " % "target" + " ".join("%-16s" % a_ for a_ in ACCOUNTS))
for t in TARGETS:
    cells = []
    for acct in ACCOUNTS:
        r = result["matrix"][acct][t]
        cells.append("%-16s" % ("/".join(ABBR.get(r[o], r[o]) for o in OPS) + " [" + result["effective"][acct][t] + "]"))
    print("%-14s " % t + " ".join(cells))

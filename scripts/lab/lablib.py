"""lablib.py -- helpers shared by populate-scenarios.py and populate-scale.py (imported, not run).
Needs /usr/bin/python3 (the samba bindings)."""
import json
import time
import ldb
from samba.auth import system_session
from samba.dcerpc import security
from samba.dsdb import GTYPE_SECURITY_GLOBAL_GROUP
from samba.ndr import ndr_pack, ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB
from samba.sd_utils import SDUtils

G_RESET = "00299570-246d-11d0-a768-00aa006e0529"      # User-Force-Change-Password (Reset Password), CR
G_CHANGE = "ab721a53-1e2f-11d0-9819-00aa0040529b"     # User-Change-Password, CR
G_UNEXPIRE = "ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501"   # Unexpire-Password, CR (on the domain root)
G_LOCKOUT = "28630ebf-41d5-11d1-a9c1-0000f80367c1"    # lockoutTime attribute
G_PWDLASTSET = "bf967a0a-0de6-11d0-a285-00aa003049e2"  # pwdLastSet attribute
G_UAR = "4c164200-20c0-11d0-a768-00aa006e0529"        # User-Account-Restrictions property set
G_USER = "bf967aba-0de6-11d0-a285-00aa003049e2"       # user class
G_TOKENGROUPS = "b7c69e6d-2cc7-11d2-854e-00a0c983f608"  # tokenGroups attribute
G_TOKENGROUPS_GU = "46a9b11d-60ae-405a-b7e8-ff8a58d456d2"  # tokenGroupsGlobalAndUniversal
G_TOKENGROUPS_NOGC = "040fc392-33df-11d2-98b2-0000f87a57d4"  # tokenGroupsNoGCAcceptable
G_GROUPTYPE = "9a9a021e-4a5b-11d1-a9c3-0000f80367c1"  # groupType attribute

USER_PW = "Us3r!Passw0rd"
SVC_PW = "Svc!Passw0rd123"
READER_PW = "Read3r!Passw0rd"


def writeback_aces(sid, rights=("reset", "lockout", "pwdlastset")):
    """The ACEs Set-ADSyncPasswordWritebackPermissions writes (dsacls /I:S ...;user): CIIO, user class."""
    parts = {
        "reset": "(OA;CIIO;CR;%s;%s;%s)" % (G_RESET, G_USER, sid),
        "lockout": "(OA;CIIO;WP;%s;%s;%s)" % (G_LOCKOUT, G_USER, sid),
        "pwdlastset": "(OA;CIIO;WP;%s;%s;%s)" % (G_PWDLASTSET, G_USER, sid),
        "uar": "(OA;CIIO;WP;%s;%s;%s)" % (G_UAR, G_USER, sid),
    }
    return "".join(parts[r] for r in rights)


class Lab:
    def __init__(self, conf, options=None):
        lp = LoadParm()
        lp.load(conf)
        self.db = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp, options=options)
        self.base = str(self.db.domain_dn())
        self.sdu = SDUtils(self.db)
        self.manifest = {"base": self.base, "domainSid": str(self.db.get_domain_sid()),
                         "objects": {}, "notes": []}

    def dn(self, rel):
        return "%s,%s" % (rel, self.base)

    def record(self, key, dn, kind):
        entry = {"dn": dn, "kind": kind}
        res = self.db.search(dn, scope=ldb.SCOPE_BASE, attrs=["objectSid"])
        if "objectSid" in res[0]:
            entry["sid"] = str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0]))
        self.manifest["objects"][key] = entry
        return entry.get("sid")

    def sid(self, key):
        return self.manifest["objects"][key]["sid"]

    def user(self, name, password=USER_PW, ou=None):
        self.db.newuser(name, password, useusernameascn=True, userou=ou)
        dn = "CN=%s,%s" % (name, self.dn(ou) if ou else self.dn("CN=Users"))
        return self.record(name, dn, "user")

    def group(self, name):
        self.db.newgroup(name, grouptype=GTYPE_SECURITY_GLOBAL_GROUP)
        return self.record(name, self.dn("CN=%s,CN=Users" % name), "group")

    def ou(self, rel, aces=None, key=None):
        dn = self.dn(rel)
        self.db.create_ou(dn)
        self.record(key or rel, dn, "organizationalUnit")
        if aces:
            self.add_aces(dn, aces)
        return dn

    def add_aces(self, dn, sddl_aces):
        # Inserted at the front of the DACL, in the order given (deny ACEs therefore come first).
        self.sdu.dacl_prepend_aces(dn, sddl_aces)

    def protect_dacl(self, dn, dacl_from=None):
        """Disable inheritance: set SE_DACL_PROTECTED and keep only the explicit (non-inherited) ACEs,
        i.e. the GUI's "Remove all inherited permissions". With dacl_from, copy that object's DACL
        instead (what SDProp does with AdminSDHolder)."""
        ctl = ["sd_flags:1:%d" % security.SECINFO_DACL]
        # (security.acl.aces is a copy in the python binding: edit through dacl_del_ace instead)
        new = self.sdu.read_sd_on_dn(dacl_from or dn, controls=ctl)
        explicit = [a for a in new.dacl.aces if not a.flags & security.SEC_ACE_FLAG_INHERITED_ACE]
        for ace in list(new.dacl.aces):
            if ace.flags & security.SEC_ACE_FLAG_INHERITED_ACE:
                try:
                    new.dacl_del_ace(ace)
                except Exception:   # dacl_del_ace removes all equal ACEs at once
                    pass
        new.type |= security.SEC_DESC_DACL_PROTECTED
        if len(new.dacl.aces) != len(explicit) or not explicit:
            raise SystemExit("protect_dacl: %s: kept %d ACEs, expected %d explicit ones"
                             % (dn, len(new.dacl.aces), len(explicit)))
        self.sdu.modify_sd_on_dn(dn, new, controls=ctl)
        after = self.sdu.read_sd_on_dn(dn, controls=ctl)
        if not after.type & security.SEC_DESC_DACL_PROTECTED or len(after.dacl.aces) != len(explicit):
            raise SystemExit("protect_dacl: %s: server stored %d ACEs, protected=%s"
                             % (dn, len(after.dacl.aces), bool(after.type & security.SEC_DESC_DACL_PROTECTED)))

    def stamp_adminsdholder(self, dn):
        """What SDProp would do to a protected account: adminCount=1 and AdminSDHolder's DACL, protected.
        Samba's AdminSDHolder holds only (A;;<full>;;;DA)(A;;<full>;;;SY)(A;;RPLCLORC;;;AU); Windows' also
        grants Change Password to Everyone and SELF, so those two are appended to stay close to AD."""
        self.set_attr(dn, "adminCount", "1")
        self.protect_dacl(dn, dacl_from=self.dn("CN=AdminSDHolder,CN=System"))
        self.sdu.dacl_append_aces(dn, "(OA;;CR;%s;;WD)(OA;;CR;%s;;PS)" % (G_CHANGE, G_CHANGE))

    def cloud_sync_gmsa(self):
        """Cloud Sync's default gMSA, provAgentgMSA$ (CN=Managed Service Accounts); returns its DN. Samba 4.17 computes no
        gMSA password: the lab sets one (SVC_PW) so that the tests can perform writes as the gMSA (a Windows DC would not
        let anyone set it)."""
        dn = self.dn("CN=provAgentgMSA,CN=Managed Service Accounts")
        self.db.add({"dn": dn, "objectClass": "msDS-GroupManagedServiceAccount", "sAMAccountName": "provAgentgMSA$",
                     "msDS-ManagedPasswordInterval": "30", "dNSHostName": "provagentgmsa.%s" % self.db.domain_dns_name(),
                     "userAccountControl": "4096"})
        self.record("provAgentgMSA", dn, "msDS-GroupManagedServiceAccount")
        self.db.setpassword("(sAMAccountName=provAgentgMSA$)", SVC_PW, force_change_at_next_login=False)
        return dn

    def cloud_sync_agent(self, full_user, partial_user, host):
        """Cloud Sync in this domain: provAgentgMSA$ (cloud_sync_gmsa) with Cloud Sync's writeback set (Reset Password,
        lockoutTime, pwdLastSet on descendant users; no Change Password) on OU=CloudSync (user FULL_USER), all but
        pwdLastSet on OU=CloudSyncPartial (user PARTIAL_USER), and its host HOST$ alone may retrieve its password."""
        gmsa_dn = self.cloud_sync_gmsa()
        self.ou("OU=CloudSync", writeback_aces(self.sid("provAgentgMSA")))
        self.ou("OU=CloudSyncPartial", writeback_aces(self.sid("provAgentgMSA"), ("reset", "lockout")))
        self.user(full_user, ou="OU=CloudSync")
        self.user(partial_user, ou="OU=CloudSyncPartial")
        self.gmsa_password_reader(gmsa_dn, host)

    def gmsa_password_reader(self, gmsa_dn, host):
        """The agent's host, computer HOST$ (CN=Computers): the one principal msDS-GroupMSAMembership lets retrieve the
        gMSA's password, as the agent's installer leaves it (AD-017). Samba 4.17 stores the descriptor, computes nothing."""
        host_dn = self.dn("CN=%s,CN=Computers" % host)
        self.db.add({"dn": host_dn, "objectClass": "computer", "sAMAccountName": host + "$", "userAccountControl": "4096"})
        self.record(host, host_dn, "computer")
        readers = security.descriptor.from_sddl("O:BAD:(A;;0xf01ff;;;%s)" % self.sid(host), security.dom_sid(self.db.get_domain_sid()))
        m = ldb.Message(ldb.Dn(self.db, gmsa_dn))
        m["msDS-GroupMSAMembership"] = ldb.MessageElement(ndr_pack(readers), ldb.FLAG_MOD_REPLACE, "msDS-GroupMSAMembership")
        self.db.modify(m)

    def set_attr(self, dn, attr, value):
        m = ldb.Message()
        m.dn = ldb.Dn(self.db, dn)
        m[attr] = ldb.MessageElement(value, ldb.FLAG_MOD_REPLACE, attr)
        self.db.modify(m)

    def finish(self, started, manifest_path):
        """Records how long populating took, writes the manifest (when asked) and prints what was created."""
        self.manifest["seconds"] = round(time.monotonic() - started, 2)
        if manifest_path:
            with open(manifest_path, "w") as f:
                json.dump(self.manifest, f, indent=1, sort_keys=True)
        for k, v in self.manifest["objects"].items():
            print("%-18s %-14s %s" % (k, v.get("sid", "-").rsplit("-", 1)[-1] if "sid" in v else "-", v["dn"]))
        print("populated in %.2f s" % self.manifest["seconds"])

#!/usr/bin/env python3
"""Writes the seed corpus and the libFuzzer dictionary of each harness (scripts/fuzz.sh runs it before fuzzing).

Seeds come from the project's fixtures (Tests/PreflightKitTests/Fixtures, examples/demo, Checks) plus a few small
hand-written inputs for formats the fixtures hold only inside Swift tests. Inputs larger than the harness's max_len
are cut at a line end (the XML connector exports are first shrunk to the elements the parser reads). The dictionary
is every plain string literal of the parser's sources: column names, element names, keys and the words they compare
(for the binary SID and security-descriptor harnesses: the GUIDs the access check compares and well-known SIDs).

usage: Fuzz/seeds.py OUT_FOLDER MAX_LEN HARNESS...   (writes OUT_FOLDER/<harness>/seeds/* and OUT_FOLDER/<harness>/dict)
"""
import base64
import glob
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests/PreflightKitTests/Fixtures")
DEMO = os.path.join(ROOT, "examples/demo")
KIT = os.path.join(ROOT, "Sources")


def files(*patterns):
    out = []
    for pattern in patterns:
        out += sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True))
    return [(os.path.relpath(p, ROOT), open(p, "rb").read()) for p in out if os.path.isfile(p)]


def shrunk_connect_xml(data):
    """A connector or MV.xml export without the parts the parser skips (the 2 MB schema, run history, MV schema)."""
    root = ET.fromstring(data)
    for child in list(root):
        if child.tag in ("schema", "attribute-inclusion", "ma-run-data", "component_mappings"):
            root.remove(child)
    mv = root.find("mv-data")
    if mv is not None:
        for child in list(mv):
            if child.tag not in ("parameter-values", "format-version", "version"):
                mv.remove(child)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def connect_xml():
    out = []
    for rel, data in files("Tests/PreflightKitTests/Fixtures/connect/*/Connectors/*.xml", "Tests/PreflightKitTests/Fixtures/connect/*/GlobalSettings/*.xml"):
        out.append((rel, shrunk_connect_xml(data)))
    out += files("Tests/PreflightKitTests/Fixtures/connect/*/SynchronizationRules/SynchronizationRule_{0*.xml")
    entra = b"""<?xml version="1.0" encoding="utf-8"?>
<ma-data><name>contoso.onmicrosoft.com - AAD</name><category>Extensible2</category>
<subtype>Windows Azure Active Directory (Microsoft)</subtype>
<private-configuration><MAConfig><parameter-values><parameter name="UserName" type="string">Sync_X@contoso.onmicrosoft.com</parameter></parameter-values>
<extension-config><assembly-version>2.4.131.0</assembly-version></extension-config>
<aad-password-reset-config><enabled>1</enabled><adal-authority>https://login.windows.net/contoso.onmicrosoft.com</adal-authority></aad-password-reset-config>
</MAConfig></private-configuration></ma-data>
"""
    out.append(("hand/entra.xml", entra))
    out.append(("hand/entra-utf16.xml", b"\xff\xfe" + entra.decode().replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16-le")))
    out.append(("hand/mv.xml", b"<saved-mv-configuration server='SYNC01' export-date='2025-03-04 10:15:00.000'><mv-data><parameter-values>"
                b"<parameter name='Microsoft.Synchronize.ServerConfigurationVersion'>2.4.131.0</parameter></parameter-values></mv-data></saved-mv-configuration>"))
    return out


POLICY = b"""{
  "policyMetadata": {"type": "applied", "timeCreated": "2025-03-04T10:15:00Z", "azureADConnectVersion": "2.4.131.0"},
  "deploymentMetadata": {"hostName": "CONTOSO-SYNC02", "connectorIds": ["{B891884F-051E-4A83-95AF-2544101C9083}"]},
  "onpremisesDirectoryPolicy": [{"friendlyName": "contoso.com", "partitionFilters": [{"distinguishedName": "DC=contoso,DC=com",
    "containerInclusions": ["OU=CORP,DC=contoso,DC=com"], "containerExclusions": ["OU=Disabled,OU=CORP,DC=contoso,DC=com"]}],
    "passwordHashSync": true}],
  "azureDirectoryPolicy": {"friendlyName": "contoso.onmicrosoft.com - AAD", "tenantName": "contoso.onmicrosoft.com",
    "passwordWritebackEnabled": true, "ConnectorIdentityType": "Application"}
}
"""

CONFIG = b"""report:
  customer: Contoso
phase: preflight
topology: connect-sync
cloud: public
timeoutSeconds: 20
ldap:
  url: ldaps://dc01.corp.example.com
  bindDN: reader@corp.example.com
  passwordEnv: PREFLIGHT_LDAP_PASSWORD
network:
  serviceBusNamespace: ssprdedicatedsbprodfra-1
  connectTo: [passwordreset.microsoftonline.com:443:127.0.0.1:18443]
  endpoints:
    NET-003: ["https://localhost:18443/"]
inventory:
  ssprRegistrationThreshold: 0.8
"""


def seeds(harness):
    """(name, bytes) pairs for one harness."""
    if harness == "SecurityDescriptor":
        return [(rel, base64.b64decode(data)) for rel, data in files("Tests/PreflightKitTests/Fixtures/ad-samples/*.b64")] + [
            ("hand/null-dacl", bytes([1, 0, 0x04, 0x80] + [0] * 16)),
            ("hand/empty-dacl", bytes([1, 0, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 4, 0, 8, 0, 0, 0, 0, 0])),
        ]
    if harness == "SID":
        ldif = open(os.path.join(FIX, "ad-samples/tokengroups.ldif")).read()
        out = [(f"tokengroups-{i}", base64.b64decode(v)) for i, v in enumerate(re.findall(r"tokenGroups:: (\S+)", ldif))]
        for text in ["S-1-5-21-1111111111-2222222222-3333333333-1106", "S-1-1-0", "S-1-0x123456789ABC-1", "S-1-5-32-544"]:
            out.append((text, text.encode()))
        return out
    if harness in ("InventoryCSV", "InventoryExports"):
        return files("Tests/PreflightKitTests/Fixtures/inventory/*.csv", "examples/demo/inventory/*.csv",
                     "Sources/PreflightKit/Inventory/Resources/licensing/*.csv")
    if harness == "ConnectXML":
        return connect_xml()
    if harness == "ConnectPolicyJSON":
        return [("hand/applied-policy.json", POLICY), ("hand/array.json", b"[{\"policyMetadata\": {}}]"),
                ("hand/utf16.json", b"\xff\xfe" + POLICY.decode().encode("utf-16-le"))]
    if harness == "ConnectorCredential":
        return [("hand/list.txt", b"\r\n\r\nConnectorIdentityType : Application\r\nTenantId : 00000000-0000-0000-0000-000000000000\r\n\r\n"),
                ("hand/table.txt", b"\r\nConnectorIdentityType\r\n---------------------\r\nServiceAccount\r\n\r\n\r\n"),
                ("hand/json.json", b"{\r\n    \"ConnectorIdentityType\":  \"Application\"\r\n}\r\n"),
                ("hand/number.json", b"[{\"ConnectorIdentityType\": 1}]"),
                ("hand/utf16.txt", b"\xff\xfe" + "ConnectorIdentityType : ServiceAccount\r\n".encode("utf-16-le"))]
    if harness == "Scheduler":
        return files("examples/demo/scheduler.txt") + [
            ("hand/reset-config-list.txt", b"\r\nConnectorName : contoso.onmicrosoft.com - AAD\r\nEnabled       : True\r\n\r\n"),
            ("hand/reset-config-table.txt", b"\r\nConnectorName                  Enabled\r\n-------------                  -------\r\ncontoso - AAD                  False\r\n"),
            ("hand/scheduler-utf8.txt", b"SyncCycleEnabled : True\nStagingModeEnabled : False\nNextSyncCyclePolicyType : Delta\n")]
    if harness == "EventLog":
        return files("Tests/PreflightKitTests/Fixtures/monitoring/events/*", "examples/demo/monitoring/application-log.csv")
    if harness == "WevtutilXML":
        return files("Tests/PreflightKitTests/Fixtures/monitoring/events/*.xml")
    if harness == "AuditLog":
        return files("Tests/PreflightKitTests/Fixtures/monitoring/audit/*", "examples/demo/monitoring/audit-log.csv")
    if harness == "ConfigYAML":
        return files("examples/**/*.yml") + [("hand/preflight.yml", CONFIG)]
    if harness == "CheckFile":
        return files("Checks/**/*.yml")
    if harness == "WaiverFile":
        return [("hand/waivers.yml", b"waivers:\n  - check: AD-009\n    target: \"CN=*,OU=Kiosk,DC=corp,DC=example,DC=com\"\n"
                 b"    justification: Kiosk accounts never use SSPR.\n    expires: 2026-12-31\n    approvedBy: J. Doe\n"
                 b"  - check: NET-005\n    justification: CRL checks are off.\n    expires: 2027-01-15\n"),
                ("hand/empty.yml", b"waivers: []\n")]
    if harness == "SavedReport":
        return files("Tests/PreflightKitTests/Fixtures/golden/*.json")
    if harness == "SavedRestrictRemoteSAM":
        # A DC's gpresult /x exports (UTF-16LE, as gpresult writes them) and GptTmpl.inf security templates as Windows
        # writes them (UTF-16LE with a BOM, CRLF) and as UTF-8.
        inf = ('[Unicode]\r\nUnicode=yes\r\n[Registry Values]\r\n'
               'MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\RestrictRemoteSAM=1,"O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;S-1-5-21-1-2-3-1107)"\r\n'
               '[Version]\r\nsignature="$CHICAGO$"\r\nRevision=1\r\n')
        return files("Tests/PreflightKitTests/Fixtures/gpresult/*.xml") + [
            ("hand/GptTmpl-utf16.inf", b"\xff\xfe" + inf.encode("utf-16-le")),
            ("hand/GptTmpl-utf8.inf", inf.encode("utf-8")),
        ]
    if harness == "CloudSyncGraphJSON":
        return files("Tests/PreflightKitTests/Fixtures/cloudsync/**/*.json")
    raise SystemExit(f"seeds.py: no seeds for harness {harness}")


# The parser sources whose string literals make each harness's dictionary.
SOURCES = {
    "SecurityDescriptor": [], "SID": [],  # binary_words()
    "InventoryCSV": ["PreflightCore/CSV/*.swift", "PreflightInventory/SkuCatalog.swift"],
    "InventoryExports": ["PreflightInventory/Readers/*.swift", "PreflightCore/CSV/*.swift"],
    "ConnectXML": ["PreflightConnect/ServerConfigurationParser.swift"],
    "ConnectPolicyJSON": ["PreflightConnect/AppliedPolicyParser.swift", "PreflightConnect/ConnectorCredentialParser.swift"],
    "ConnectorCredential": ["PreflightConnect/ConnectorCredentialParser.swift", "PreflightConnect/SchedulerParser.swift"],
    "Scheduler": ["PreflightConnect/SchedulerParser.swift"],
    "EventLog": ["PreflightMonitoring/Parsing/*.swift", "PreflightMonitoring/EventCatalog.swift"],
    "WevtutilXML": ["PreflightMonitoring/Parsing/WevtutilXML.swift", "PreflightMonitoring/Parsing/WindowsDates.swift"],
    "AuditLog": ["PreflightMonitoring/Parsing/AuditLogReader.swift", "PreflightMonitoring/Parsing/CSVRecords.swift", "PreflightMonitoring/Parsing/WindowsDates.swift"],
    "ConfigYAML": ["PreflightEngine/Config/*.swift", "PreflightCore/Model/Vocabulary.swift", "PreflightEngine/Evidence/*.swift"],
    "CheckFile": ["PreflightEngine/Catalog/*.swift", "PreflightEngine/Probes/ParamsReader.swift", "PreflightCore/Model/Vocabulary.swift", "Preflight*/*Probes.swift"],
    "WaiverFile": ["PreflightCore/Model/Waiver*.swift", "PreflightEngine/Catalog/WaiverFile.swift"],
    "SavedReport": ["PreflightCore/Model/*.swift"],
    "SavedRestrictRemoteSAM": ["PreflightDirectory/RemoteSAM/SecurityTemplate.swift", "PreflightDirectory/RemoteSAM/GPResultExport.swift",
                               "PreflightDirectory/Security/SDDL*.swift"],
    "CloudSyncGraphJSON": ["PreflightCloudSync/*.swift"],
}


def swift_unescape(literal):
    simple = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", '"': '"', "'": "'", "\\": "\\"}
    return re.sub(r"\\(u\{([0-9A-Fa-f]+)\}|.)",
                  lambda m: chr(int(m.group(2), 16)) if m.group(2) else simple.get(m.group(1), m.group(1)), literal)


def binary_words():
    """For the binary harnesses: the GUIDs the access check compares (in Windows byte order) and well-known SIDs."""
    text = open(os.path.join(KIT, "PreflightDirectory/Security/DirectoryRights.swift"), encoding="utf-8").read()
    words = set()
    for guid in re.findall(r'GUID\(literal: "([0-9a-fA-F-]{36})"\)', text):
        raw = bytes.fromhex(guid.replace("-", ""))
        words.add(raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:])
    for authority, subs in re.findall(r"SID\(authority: (\d+), \[([\d, ]+)\]\)", text):
        subs = [int(x) for x in subs.split(",")]
        words.add(bytes([1, len(subs)]) + int(authority).to_bytes(6, "big") + b"".join(x.to_bytes(4, "little") for x in subs))
    words.add(bytes([1, 5]) + (5).to_bytes(6, "big") + (21).to_bytes(4, "little"))  # a domain SID's start
    return words


def dictionary(harness):
    words = set()
    if harness in ("SecurityDescriptor", "SID"):
        words = {w.decode("latin-1") for w in binary_words()}
    for pattern in SOURCES[harness]:
        for path in glob.glob(os.path.join(KIT, pattern)):
            for literal in re.findall(r'"((?:[^"\\\n]|\\.)*)"', open(path, encoding="utf-8").read()):
                if 1 < len(literal) <= 40 and "\\(" not in literal and " " not in literal.strip():
                    words.add(swift_unescape(literal))
    lines = []
    for word in sorted(words):
        data = word.encode("latin-1") if harness in ("SecurityDescriptor", "SID") else word.encode("utf-8")
        escaped = "".join(chr(b) if 0x20 <= b < 0x7F and chr(b) not in '"\\' else f"\\x{b:02X}" for b in data)
        lines.append(f'"{escaped}"')
    return "\n".join(lines) + ("\n" if lines else "")


def cut(data, limit):
    if len(data) <= limit:
        return data
    head = data[:limit]
    if head[:2] == b"\xff\xfe" or (len(head) > 1 and head[1] == 0):  # UTF-16LE: keep whole code units
        end = head.rfind(b"\n\x00")
        return head[: end + 2] if end > 0 else head[: limit - limit % 2]
    end = head.rfind(b"\n")
    return head[: end + 1] if end > 0 else head


def main():
    out, max_len, harnesses = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    for harness in harnesses:
        folder = os.path.join(out, harness, "seeds")
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        for name, data in seeds(harness):
            data = cut(data, max_len)
            digest = hashlib.sha1(data).hexdigest()[:12]
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-60:]
            with open(os.path.join(folder, f"{safe}-{digest}"), "wb") as f:
                f.write(data)
        with open(os.path.join(out, harness, "dict"), "w") as f:
            f.write(dictionary(harness))


if __name__ == "__main__":
    main()

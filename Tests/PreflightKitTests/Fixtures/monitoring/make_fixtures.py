#!/usr/bin/env python3
"""Writes the monitoring fixtures byte for byte as the Windows tools and the Entra portal write them.

Run from anywhere: python3 make_fixtures.py [--demo DIR]. The generated files are committed; this script is
how they were made (see SOURCE.md for the source of every layout and message text). Deterministic: no clock,
no randomness.
"""
import json
import os
import sys
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
MACHINE = "CONTOSO-SYNC01.contoso.com"
NAMESPACE = "ssprdedicatedsbprodfra-1"  # the doc's example listener (troubleshoot-sspr-writeback, 2025-03-04)

# ---------------------------------------------------------------- message texts (SOURCE.md says where each comes from)

def tid(n):
    return "%08x-6d1c-4b8e-9f3a-%012x" % (0x7344DA2C + n, 0x1A2B3C4D5E00 + n)

def heartbeat(n):  # 31019: text ASSUMED (the doc shows a screenshot); only the relay name is relied on
    return "TrackingId: %s, ServiceBusHeartBeat, Details: Namespace: %s.servicebus.windows.net" % (tid(n), NAMESPACE)

def reset_start(n, upn):  # 31001: OBSERVED (markvaneijken.nl 2015)
    return "TrackingId: %s, PasswordResetRequestStart, Details: %s" % (tid(n), upn)

def reset_success(n, upn):  # 31002: ASSUMED, in 31001's shape
    return "TrackingId: %s, PasswordResetSuccess, Details: %s" % (tid(n), upn)

def permissions_error(n, upn, anchor="F39SWQrM2EidaboN8UC8Ww=="):  # 33004: OBSERVED (c7solutions.com 2015/07), ids ours
    hr = "Synchronization Engine returned an error hr=80230626, message=The password could not be updated because the management agent credentials were denied access."
    return (
        "TrackingId: %s, Reason: %s, Context: cloudAnchor: User_9b83f544-%04x-4c1e-8d5a-2f6e1b0c9d7a, SourceAnchorValue: %s, "
        "UserPrincipalName: %s, Details: Microsoft.CredentialManagement.OnPremisesPasswordReset.Shared.PasswordResetException: %s\r\n"
        "   at AADPasswordReset.SynchronizationEngineManagedHandle.ThrowSyncEngineError(Int32 hr)\r\n"
        "   at AADPasswordReset.SynchronizationEngineManagedHandle.ResetPassword(String cloudAnchor, String sourceAnchorValue, String password, Boolean unblockUser)\r\n"
        "   at Microsoft.CredentialManagement.OnPremisesPasswordReset.Library.PasswordResetService.ResetPassword(ResetPasswordRequest request)"
    ) % (tid(n), hr, n, anchor, upn, hr)

def adsync_denied():  # ADSync 6329 logged with the 33004: OBSERVED (same post)
    return ("An unexpected error has occurred during a password set operation. \r\n"
            " \"BAIL: MMS(5716): ..\\server.cpp(11139): 0x80230626 (The password could not be updated because the management agent credentials were denied access.)\r\n"
            "Azure AD Sync 2.4.131.0\"")

def adsync_policy():  # ADSync 6329 0x80230619: the doc's table text
    return ("An unexpected error has occurred during a password set operation. \r\n"
            " \"BAIL: MMS(4924): ..\\server.cpp(11139): 0x80230619 (A restriction prevents the password from being changed to the current one specified.)\r\n"
            "Azure AD Sync 2.4.131.0\"")

def policy_error(n, upn):  # 33008: ASSUMED, in 33004's observed shape with the doc's hr/message
    hr = "Synchronization Engine returned an error hr=80230619, message=A restriction prevents the password from being changed to the current one specified."
    return ("TrackingId: %s, Reason: %s, Context: cloudAnchor: User_5c21d0e4-%04x-4f3b-a9e2-7d6c5b4a3f21, SourceAnchorValue: Qm9iU291cmNlQW5jaG9y, "
            "UserPrincipalName: %s, Details: Microsoft.CredentialManagement.OnPremisesPasswordReset.Shared.PasswordResetException: %s") % (tid(n), hr, n, upn, hr)

def servicebus_error(n):  # 32002: the quoted part is the doc's ("Error Connecting to ServiceBus. The token provider …")
    return "TrackingId: %s, ServiceBusError, Details: Error Connecting to ServiceBus. The token provider was unable to provide a security token." % tid(n)

def servicebus_warning(n):  # 32014: ASSUMED
    return "TrackingId: %s, ServiceBusWarning, Details: Retrying the connection to %s.servicebus.windows.net." % (tid(n), NAMESPACE)

def service_stopped(n):  # 31016: ASSUMED
    return "TrackingId: %s, WriteBackServiceStopped, Details: The password writeback service has stopped." % tid(n)

APP_ID = "3c1f9a7e-52d4-4b8a-9e6f-0d2c7b5a8e14"  # an application (client) id of ours

def certificate_aging(expiry):  # 1011: ASSUMED text; Learn names only the id ("70% or more of its lifetime")
    return ("The certificate of the Microsoft Entra Connect application (Application ID: %s) has used 70%% or more of its lifetime "
            "and expires on %s. Rotate the certificate.") % (APP_ID, us_date(expiry))

def certificate_expired(expiry):  # 1012: ASSUMED text; Learn names only the id ("the certificate is already expired")
    return ("The certificate of the Microsoft Entra Connect application (Application ID: %s) expired on %s. "
            "Microsoft Entra Connect cannot authenticate to Microsoft Entra ID until the certificate is rotated.") % (APP_ID, us_date(expiry))

def certificate_no_tpm():  # 1014: ASSUMED text; Learn: "A warning event 1014 is emitted if TPM isn't used"
    return "A Trusted Platform Module (TPM) is not available. The certificate's private key is stored in the Microsoft Software Key Storage Provider."

def app_error():  # another source in the Application log (Windows Error Reporting style), to show it is counted, not judged
    return "Fault bucket , type 0\r\nEvent Name: APPCRASH\r\nResponse: Not available"

LEVELS = {"Information": "4", "Warning": "3", "Error": "2"}

# ---------------------------------------------------------------- scenarios: (local time, provider, id, level, message)

END = datetime(2026, 11, 26, 9, 14, 3)

def heartbeats(start, end, minutes, first_n=0):
    out, t, n = [], end, first_n
    while t >= start:
        out.append((t, "PasswordResetService", 31019, "Information", heartbeat(n)))
        t -= timedelta(minutes=minutes)
        n += 1
    return out

def healthy():
    """Alive, two successful resets, no errors (MON-001..003 pass)."""
    ev = heartbeats(END - timedelta(hours=26), END, 15)
    ev += [
        (END - timedelta(hours=3, minutes=2), "PasswordResetService", 31001, "Information", reset_start(501, "alice@contoso.com")),
        (END - timedelta(hours=3, minutes=2) + timedelta(seconds=2), "PasswordResetService", 31002, "Information", reset_success(501, "alice@contoso.com")),
        (END - timedelta(hours=7, minutes=40), "PasswordResetService", 31001, "Information", reset_start(502, "bob@contoso.com")),
        (END - timedelta(hours=7, minutes=40) + timedelta(seconds=1), "PasswordResetService", 31002, "Information", reset_success(502, "bob@contoso.com")),
        (END - timedelta(hours=1, minutes=12), "Application Error", 1000, "Error", app_error()),
    ]
    return ev

def broken():
    """Heartbeats stop 3 h before the end; Service Bus errors; a 33004 for ethan (the published one) and a 33008 (MON-001..003 fail)."""
    stop = END - timedelta(hours=3, minutes=5)
    ev = heartbeats(END - timedelta(hours=26), stop, 15)
    ev += [
        (stop + timedelta(minutes=4), "PasswordResetService", 31016, "Information", service_stopped(700)),
        (END - timedelta(hours=2), "PasswordResetService", 32002, "Error", servicebus_error(701)),
        (END - timedelta(hours=1), "PasswordResetService", 32002, "Error", servicebus_error(702)),
        (END - timedelta(minutes=10), "PasswordResetService", 32002, "Error", servicebus_error(703)),
        (END - timedelta(hours=6), "PasswordResetService", 32014, "Warning", servicebus_warning(704)),
        (END - timedelta(hours=5, minutes=30), "PasswordResetService", 31001, "Information", reset_start(705, "ethan@contoso.co.uk")),
        (END - timedelta(hours=5, minutes=30) + timedelta(seconds=3), "ADSync", 6329, "Error", adsync_denied()),
        (END - timedelta(hours=5, minutes=30) + timedelta(seconds=3), "PasswordResetService", 33004, "Error", permissions_error(705, "ethan@contoso.co.uk")),
        (END - timedelta(hours=4, minutes=15), "PasswordResetService", 31001, "Information", reset_start(706, "bob@contoso.com")),
        (END - timedelta(hours=4, minutes=15) + timedelta(seconds=2), "PasswordResetService", 33008, "Error", policy_error(706, "bob@contoso.com")),
        (END - timedelta(minutes=1), "Application Error", 1000, "Error", app_error()),
    ]
    return ev

def warnings():
    """Alive; only a Service Bus retry (32014) and a password-policy refusal (33008, 6329 0x80230619): MON-002/003 warn."""
    ev = heartbeats(END - timedelta(hours=25), END - timedelta(minutes=3), 15)
    ev += [
        (END - timedelta(hours=2), "PasswordResetService", 32014, "Warning", servicebus_warning(801)),
        (END - timedelta(hours=9), "PasswordResetService", 31001, "Information", reset_start(802, "dana@contoso.com")),
        (END - timedelta(hours=9) + timedelta(seconds=2), "ADSync", 6329, "Error", adsync_policy()),
        (END - timedelta(hours=9) + timedelta(seconds=2), "PasswordResetService", 33008, "Error", policy_error(802, "dana@contoso.com")),
        spp(END - timedelta(minutes=20)),
    ]
    return ev

def spp(t):  # a Windows component that logs to the Application log on its own schedule (Security-SPP 16384's text)
    return (t, "Microsoft-Windows-Security-SPP", 16384, "Information",
            "Successfully scheduled Software Protection service for re-start at 2026-11-27T09:00:00Z. Reason: RulesEngine.")

def writeback_only(stop_hours):
    """PasswordResetService and ADSync only (the AzureADAssessment filter): heartbeats until `stop_hours` before END."""
    ev = heartbeats(END - timedelta(hours=26), END - timedelta(hours=stop_hours), 15)
    ev.append((END - timedelta(hours=12), "ADSync", 904, "Information", "Scheduler::SchedulerThreadMain : Started sync cycle."))
    return ev

def stale_writeback():
    """An Application log whose PasswordResetService events stop 5 days before its end: the window has none (error)."""
    ev = heartbeats(END - timedelta(days=6), END - timedelta(days=5), 30)
    ev += [(END - timedelta(hours=h), "Application Error", 1000, "Error", app_error()) for h in (0, 5, 30)]
    return ev

def certificate(expired_hours):
    """Alive (heartbeats every 15 min), while Connect's application certificate ages: 1011 at the scheduler's 30-minute pace
    until it expires `expired_hours` before END (then 1012 at the same pace; none when `expired_hours` is None), and one
    1014 when the service started. Source ADSync: the doc does not name it (UNCONFIRMED)."""
    ev = heartbeats(END - timedelta(hours=26), END, 15)
    expiry = END - timedelta(hours=expired_hours if expired_hours is not None else -40)
    t = END - timedelta(hours=20, minutes=1)
    while t <= END:
        if t < expiry:
            ev.append((t, "ADSync", 1011, "Warning", certificate_aging(expiry)))
        else:
            ev.append((t, "ADSync", 1012, "Error", certificate_expired(expiry)))
        t += timedelta(minutes=30)
    ev.append((END - timedelta(hours=20, minutes=3), "ADSync", 1014, "Warning", certificate_no_tpm()))
    ev.append((END - timedelta(hours=1, minutes=12), "Application Error", 1000, "Error", app_error()))
    return ev

def demo(end):
    """The demo story on the lab domain: alive, alice and bob reset fine, carol's reset hits 33004 (AD-003 flags her too)."""
    ev = heartbeats(end - timedelta(hours=2), end, 5)
    ev += [
        (end - timedelta(minutes=47), "PasswordResetService", 31001, "Information", reset_start(901, "alice@corp.example.test")),
        (end - timedelta(minutes=47) + timedelta(seconds=2), "PasswordResetService", 31002, "Information", reset_success(901, "alice@corp.example.test")),
        (end - timedelta(minutes=31), "PasswordResetService", 31001, "Information", reset_start(902, "bob@corp.example.test")),
        (end - timedelta(minutes=31) + timedelta(seconds=1), "PasswordResetService", 31002, "Information", reset_success(902, "bob@corp.example.test")),
        (end - timedelta(minutes=12), "PasswordResetService", 31001, "Information", reset_start(903, "carol@corp.example.test")),
        (end - timedelta(minutes=12) + timedelta(seconds=3), "ADSync", 6329, "Error", adsync_denied()),
        (end - timedelta(minutes=12) + timedelta(seconds=3), "PasswordResetService", 33004, "Error",
         permissions_error(903, "carol@corp.example.test", anchor="Y2Fyb2wtc291cmNlLWFuY2hvcg==")),
    ]
    return ev

# ---------------------------------------------------------------- writers

def newest_first(events):
    return sorted(events, key=lambda e: e[0], reverse=True)

def us_date(t):  # en-US: 11/26/2026 9:14:03 AM
    h = t.hour % 12 or 12
    return "%d/%d/%d %d:%02d:%02d %s" % (t.month, t.day, t.year, h, t.minute, t.second, "AM" if t.hour < 12 else "PM")

def gb_date(t):  # en-GB: 26/11/2026 09:14:03
    return t.strftime("%d/%m/%Y %H:%M:%S")

def de_date(t):  # de-DE: 26.11.2026 09:14:03
    return t.strftime("%d.%m.%Y %H:%M:%S")

def q(value):
    return '"' + value.replace('"', '""') + '"'

COLUMNS = ["Message", "Id", "Version", "Qualifiers", "Level", "Task", "Opcode", "Keywords", "RecordId", "ProviderName", "ProviderId",
           "LogName", "ProcessId", "ThreadId", "MachineName", "UserId", "TimeCreated", "ActivityId", "RelatedActivityId", "ContainerLog",
           "MatchedQueryIds", "Bookmark", "LevelDisplayName", "OpcodeDisplayName", "TaskDisplayName", "KeywordsDisplayNames", "Properties"]

def export_csv(events, date, null, type_line, marker=None):
    """Get-WinEvent | Export-Csv: every value quoted; a null written as `null` (nothing in 5.1). With `marker`, the README's
    marker row is appended as `Export-Csv -Append -Force` writes a [pscustomobject] with five of the 27 properties."""
    lines = []
    if type_line:
        lines.append("#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord")
    lines.append(",".join(q(c) for c in COLUMNS))
    record = 48000 + len(events)
    for t, provider, eid, level, message in newest_first(events):
        values = {
            "Message": q(message), "Id": q(str(eid)), "Version": null, "Qualifiers": q("0"), "Level": q(LEVELS[level]), "Task": q("0"),
            "Opcode": null, "Keywords": q("36028797018963968"), "RecordId": q(str(record)), "ProviderName": q(provider), "ProviderId": null,
            "LogName": q("Application"), "ProcessId": q("0"), "ThreadId": q("0"), "MachineName": q(MACHINE), "UserId": null,
            "TimeCreated": q(date(t)), "ActivityId": null, "RelatedActivityId": null, "ContainerLog": q("Application"),
            "MatchedQueryIds": q("System.UInt32[]"), "Bookmark": q("System.Diagnostics.Eventing.Reader.EventBookmark"),
            "LevelDisplayName": q(level), "OpcodeDisplayName": null, "TaskDisplayName": null,
            "KeywordsDisplayNames": q("System.Collections.ObjectModel.ReadOnlyCollection`1[System.String]"),
            "Properties": q("System.Collections.Generic.List`1[System.Diagnostics.Eventing.Reader.EventProperty]"),
        }
        lines.append(",".join(values[c] for c in COLUMNS))
        record -= 1
    if marker:
        values = dict.fromkeys(COLUMNS, null)
        values.update({"Message": q("preflight export marker"), "Id": q("0"), "ProviderName": q("preflight-export"),
                       "TimeCreated": q(date(marker)), "LevelDisplayName": q("Information")})
        lines.append(",".join(values[c] for c in COLUMNS))
    return "\r\n".join(lines) + "\r\n"

def event_viewer_csv(events, date):
    """Event Viewer 'Save Filtered Log File As… CSV': unquoted header of five names, a sixth unnamed quoted description."""
    lines = ["Level,Date and Time,Source,Event ID,Task Category"]
    for t, provider, eid, level, message in newest_first(events):
        lines.append("%s,%s,%s,%d,None,%s" % (level, date(t), provider, eid, q(message)))
    return "\r\n".join(lines) + "\r\n"

def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

def wevtutil_xml(events, utc_offset_hours, root):
    """wevtutil qe Application /f:xml: one <Event> per line, oldest first (no /rd:true), UTC, no root unless /e:root."""
    lines = []
    record = 48000
    for t, provider, eid, level, message in sorted(events, key=lambda e: e[0]):
        utc = t - timedelta(hours=utc_offset_hours)
        lines.append(
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s'/>"
            "<EventID Qualifiers='0'>%d</EventID><Version>0</Version><Level>%s</Level><Task>0</Task><Opcode>0</Opcode>"
            "<Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='%s.000000000Z'/><EventRecordID>%d</EventRecordID>"
            "<Correlation/><Execution ProcessID='0' ThreadID='0'/><Channel>Application</Channel><Computer>%s</Computer><Security/>"
            "</System><EventData><Data>%s</Data></EventData></Event>"
            % (provider, eid, LEVELS[level], utc.strftime("%Y-%m-%dT%H:%M:%S"), record, MACHINE, xml_escape(message)))
        record += 1
    body = "\r\n".join(lines) + "\r\n"
    return "<root>" + body + "</root>\r\n" if root else body

def utf16(text):
    return b"\xff\xfe" + text.encode("utf-16-le")

def utf8_bom(text):
    return b"\xef\xbb\xbf" + text.encode("utf-8")

# ---------------------------------------------------------------- audit log

PORTAL_HEADER = (["Date (UTC)", "CorrelationId", "Service", "Category", "Activity", "Result", "ResultReason", "User Agent", "ActorType",
                  "ActorDisplayName", "ActorObjectId", "ActorUserPrincipalName", "IPAddress", "ActorHomeTenantId", "ActorHomeTenantName",
                  "ActorServicePrincipalId", "ActorServicePrincipalName"]
                 + [c for n in (1, 2, 3) for c in (["Target%dType" % n, "Target%dDisplayName" % n, "Target%dObjectId" % n, "Target%dUserPrincipalName" % n]
                    + [f for m in range(1, 6) for f in ("Target%dModifiedProperty%dName" % (n, m), "Target%dModifiedProperty%dOldValue" % (n, m),
                                                         "Target%dModifiedProperty%dNewValue" % (n, m))])]
                 + [c for n in range(1, 7) for c in ("AdditionalDetail%dKey" % n, "AdditionalDetail%dValue" % n)])
TENANT = "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f"
SSPR = "Self-service Password Management"

def audit_entry(t, activity, result, reason, upn, actor=None, details=(), n=0):
    return {"time": t, "activity": activity, "result": result, "reason": reason, "upn": upn, "actor": actor or upn,
            "details": list(details), "n": n}

def oid(n, kind):
    return "%08x-%04x-4%03x-8%03x-%012x" % (0x1000 + n, kind, n % 4096, n % 4096, 0xABCDEF000000 + n)

def portal_csv(entries):
    lines = [",".join(q(c) for c in PORTAL_HEADER)]
    for e in sorted(entries, key=lambda x: x["time"], reverse=True):
        row = dict.fromkeys(PORTAL_HEADER, "")
        row.update({
            "Date (UTC)": e["time"].strftime("%Y-%m-%dT%H:%M:%S.") + "%07dZ" % (e["n"] * 7919 % 10000000),
            "CorrelationId": oid(e["n"], 1), "Service": SSPR, "Category": "UserManagement", "Activity": e["activity"],
            "Result": e["result"], "ResultReason": e["reason"] or "", "ActorType": "User",
            "ActorDisplayName": e["actor"].split("@")[0].title(), "ActorObjectId": oid(e["n"], 2),
            "ActorUserPrincipalName": e["actor"], "IPAddress": "203.0.113.%d" % (10 + e["n"] % 200),
            "ActorHomeTenantId": TENANT, "ActorHomeTenantName": "Contoso",
            "Target1Type": "User", "Target1DisplayName": e["upn"].split("@")[0].title(), "Target1ObjectId": oid(e["n"], 3),
            "Target1UserPrincipalName": e["upn"],
        })
        for i, (k, v) in enumerate(e["details"], start=1):
            row["AdditionalDetail%dKey" % i] = k
            row["AdditionalDetail%dValue" % i] = v
        lines.append(",".join(q(row[c]) for c in PORTAL_HEADER))
    return "\r\n".join(lines) + "\r\n"

def graph_item(e):
    return {
        "id": "SSPR_%s_%d" % (oid(e["n"], 4), e["n"]),
        "category": "UserManagement",
        "correlationId": oid(e["n"], 1),
        "result": e["result"],
        "resultReason": e["reason"] or "",
        "activityDisplayName": e["activity"],
        "activityDateTime": e["time"].strftime("%Y-%m-%dT%H:%M:%S.") + "%07dZ" % (e["n"] * 7919 % 10000000),
        "loggedByService": SSPR,
        "operationType": "Update",
        "initiatedBy": {"app": None, "user": {"id": oid(e["n"], 2), "displayName": None, "userPrincipalName": e["actor"],
                                              "ipAddress": "203.0.113.%d" % (10 + e["n"] % 200), "userType": None,
                                              "homeTenantId": None, "homeTenantName": None}},
        "targetResources": [{"id": oid(e["n"], 3), "displayName": None, "type": "User", "userPrincipalName": e["upn"],
                             "groupType": None, "modifiedProperties": []}],
        "additionalDetails": [{"key": k, "value": v} for k, v in e["details"]],
    }

def graph_pages(entries, page_size):
    items = [graph_item(e) for e in sorted(entries, key=lambda x: x["time"], reverse=True)]
    pages = [items[i:i + page_size] for i in range(0, len(items), page_size)]
    out = []
    for index, page in enumerate(pages):
        body = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits", "value": page}
        if index + 1 < len(pages):
            body["@odata.nextLink"] = ("https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$filter=loggedByService+eq+"
                                       "'Self-service+Password+Management'&$skiptoken=%032x" % (0xF00D + index))
        out.append(json.dumps(body, indent=2, ensure_ascii=False).replace("\n", "\r\n") + "\r\n")
    return out

A_END = datetime(2026, 11, 26, 8, 58, 41)  # UTC
RESET, CHANGE, UNLOCK, ADMIN = "Reset password (self-service)", "Change password (self-service)", "Unlock user account (self-service)", "Reset password (by admin)"
CONNECT = [("OnPremisesAgent", "Microsoft Entra Connect")]
NONE = [("OnPremisesAgent", "None")]

def audit_healthy():
    """9 of 10 self-service attempts succeed (90%: at the 0.9 threshold, pass); admin resets written back (MON-005 pass)."""
    users = ["alice", "bob", "chris", "dana", "erik", "fiona", "gus", "hana", "ivan"]
    es = [audit_entry(A_END - timedelta(hours=2 * i + 1), RESET if i % 3 else CHANGE, "success", None, "%s@contoso.com" % u, n=100 + i)
          for i, u in enumerate(users)]
    es.append(audit_entry(A_END - timedelta(hours=4, minutes=20), RESET, "failure", "FuzzyPolicyViolationInvalidPassword", "jon@contoso.com", n=120))
    es.append(audit_entry(A_END - timedelta(hours=3), ADMIN, "success", None, "kim@contoso.com", actor="helpdesk@contoso.com", details=CONNECT, n=121))
    es.append(audit_entry(A_END, ADMIN, "success", None, "lee@contoso.com", actor="helpdesk@contoso.com", details=CONNECT, n=122))
    es.append(audit_entry(A_END - timedelta(hours=30), RESET, "failure", "OnPremisesConnectivityError", "old@contoso.com", n=123))  # outside the 24 h window
    return es

def audit_broken():
    """On-premises failures (MON-004 fail) and an admin reset with OnPremisesAgent None (MON-005 warn)."""
    es = [audit_entry(A_END - timedelta(hours=h), RESET, "success", None, u, n=200 + h) for h, u in ((1, "alice@contoso.com"), (6, "bob@contoso.com"))]
    es.append(audit_entry(A_END - timedelta(hours=5, minutes=29), RESET, "failure", "OnPremisesAdminActionRequired", "ethan@contoso.co.uk", n=210))
    es.append(audit_entry(A_END - timedelta(minutes=9), RESET, "failure", "OnPremisesConnectivityError", "fiona@contoso.com", n=211))
    es.append(audit_entry(A_END - timedelta(hours=8), UNLOCK, "success", None, "gus@contoso.com", n=212))
    es.append(audit_entry(A_END - timedelta(hours=2), "Self-service password reset flow activity progress", "failure", "UserNotProperlyConfigured", "hana@contoso.com", n=213))
    es.append(audit_entry(A_END - timedelta(hours=3), ADMIN, "success", None, "ethan@contoso.co.uk", actor="helpdesk@contoso.com", details=NONE, n=214))
    es.append(audit_entry(A_END - timedelta(hours=4), ADMIN, "success", None, "kim@contoso.com", actor="helpdesk@contoso.com", details=CONNECT, n=215))
    return es

def audit_users_struggle():
    """Only user-side failures, 3 of 6 (MON-004 warn at 0.9); an admin reset that failed with the Connect agent (MON-005 fail)."""
    es = [audit_entry(A_END - timedelta(hours=h), CHANGE, "success", None, "user%d@contoso.com" % h, n=300 + h) for h in (1, 2, 3)]
    es += [audit_entry(A_END - timedelta(hours=h, minutes=5), CHANGE, "failure", "FuzzyPolicyViolationInvalidPassword", "user%d@contoso.com" % h, n=310 + h)
           for h in (4, 5, 6)]
    es.append(audit_entry(A_END, ADMIN, "failure", "OnPremisesPolicyViolation", "mo@contoso.com", actor="helpdesk@contoso.com", details=CONNECT, n=320))
    return es

def demo_audit(end):
    """The demo: alice and bob reset fine, carol's reset fails on-premises, bob's admin reset was written back."""
    return [
        audit_entry(end - timedelta(minutes=47), RESET, "success", None, "alice@corp.example.test", n=901),
        audit_entry(end - timedelta(minutes=31), RESET, "success", None, "bob@corp.example.test", n=902),
        audit_entry(end - timedelta(minutes=12), RESET, "failure", "OnPremisesAdminActionRequired", "carol@corp.example.test", n=903),
        audit_entry(end - timedelta(minutes=3), ADMIN, "success", None, "bob@corp.example.test", actor="helpdesk@corp.example.test",
                    details=CONNECT, n=904),
    ]

# ---------------------------------------------------------------- files

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

def main():
    ev = os.path.join(HERE, "events")
    au = os.path.join(HERE, "audit")
    # Windows PowerShell 5.1: Export-Csv -Encoding Unicode (UTF-16LE + BOM), #TYPE line, en-US dates, nulls as nothing.
    write(os.path.join(ev, "healthy-winps51-unicode.csv"), utf16(export_csv(healthy(), us_date, "", True)))
    # PowerShell 7: Export-Csv default (UTF-8 without BOM), no #TYPE, en-GB dates.
    write(os.path.join(ev, "broken-pwsh7-utf8.csv"), export_csv(broken(), gb_date, "", False).encode("utf-8"))
    # Event Viewer "Save Filtered Log File As… CSV", de-DE dates, UTF-8 with BOM (the encoding is not documented).
    write(os.path.join(ev, "warnings-eventviewer.csv"), utf8_bom(event_viewer_csv(warnings(), de_date)))
    # wevtutil qe Application /f:xml > file in Windows PowerShell (UTF-16LE + BOM), server at UTC+1, no root element.
    write(os.path.join(ev, "broken-wevtutil.xml"), utf16(wevtutil_xml(broken(), 1, False)))
    # wevtutil … /e:root from cmd.exe, saved as UTF-8 without BOM.
    write(os.path.join(ev, "healthy-wevtutil-root.xml"), wevtutil_xml(healthy(), 1, True).encode("utf-8"))
    # An Application log whose writeback events stop 5 days before its end.
    write(os.path.join(ev, "stale-writeback-winps51.csv"), utf16(export_csv(stale_writeback(), us_date, "", True)))
    # Filtered to the writeback sources: alive to its own last heartbeat, without and with the export marker (3 h later).
    write(os.path.join(ev, "writeback-only-winps51.csv"), utf16(export_csv(writeback_only(0), us_date, "", True)))
    write(os.path.join(ev, "stopped-marker-winps51.csv"), utf16(export_csv(writeback_only(3), us_date, "", True, marker=END)))
    # Connect's application certificate: expired 6 h before the end (1011, then 1012) as 5.1 CSV and as wevtutil XML;
    # only aging (1011) as PowerShell 7 CSV.
    write(os.path.join(ev, "certificate-expired-winps51.csv"), utf16(export_csv(certificate(6), us_date, "", True)))
    write(os.path.join(ev, "certificate-expired-wevtutil.xml"), utf16(wevtutil_xml(certificate(6), 1, False)))
    write(os.path.join(ev, "certificate-aging-pwsh7.csv"), export_csv(certificate(None), gb_date, "", False).encode("utf-8"))
    # Empty: the #TYPE line and the header, no events (a filter that matched nothing).
    write(os.path.join(ev, "empty-winps51.csv"), utf16(export_csv([], us_date, "", True)))

    # Damaged copies: a hand-edited row (a date and an id that are not), and a copy cut off inside a quoted message.
    text = export_csv(healthy(), us_date, "", True)
    lines = text.split("\r\n")
    lines[5] = lines[5].replace('"%s"' % us_date(END - timedelta(minutes=45)), '"yesterday morning"')
    lines[10] = lines[10].replace('"31019"', '"31O19"', 1)
    write(os.path.join(ev, "malformed-winps51.csv"), utf16("\r\n".join(lines)))
    broken_text = export_csv(broken(), gb_date, "", False)
    write(os.path.join(ev, "truncated-pwsh7.csv"), broken_text[: broken_text.index("ThrowSyncEngineError")].encode("utf-8"))

    write(os.path.join(au, "healthy-portal.csv"), utf8_bom(portal_csv(audit_healthy())))
    text = portal_csv(audit_healthy())
    lines = text.split("\r\n")
    lines[2] = ",".join(lines[2].split(",")[:40])  # a row cut short
    lines[3] = lines[3].replace(lines[3].split(",")[0], '"26.13.2026 25:00"', 1)
    write(os.path.join(au, "malformed-portal.csv"), utf8_bom("\r\n".join(lines)))
    page = graph_pages(audit_broken(), 5)[0]
    write(os.path.join(au, "truncated-graph.json"), page[: page.index('"targetResources"', 2000)].encode("utf-8"))
    pages = graph_pages(audit_broken(), 5)
    for i, page in enumerate(pages, start=1):
        write(os.path.join(au, "broken-graph-page%d.json" % i), page.encode("utf-8"))
    array = [graph_item(e) for e in sorted(audit_users_struggle(), key=lambda x: x["time"], reverse=True)]
    write(os.path.join(au, "struggle-portal.json"), (json.dumps(array, indent=2).replace("\n", "\r\n") + "\r\n").encode("utf-8"))
    write(os.path.join(au, "empty-portal.csv"), utf8_bom(portal_csv([])))

    if "--demo" in sys.argv:
        target = sys.argv[sys.argv.index("--demo") + 1]
        end = datetime(2026, 11, 26, 10, 5, 12)
        write(os.path.join(target, "application-log.csv"), utf16(export_csv(demo(end), us_date, "", True, marker=end + timedelta(seconds=41))))
        write(os.path.join(target, "audit-log.csv"), utf8_bom(portal_csv(demo_audit(end - timedelta(hours=1)))))

if __name__ == "__main__":
    main()

import Foundation
import PreflightCore
import PreflightEngine

/// Pure judgements over the Connect server's events (MON-001 to MON-003): no I/O, one function per check.
enum EventJudgements {
    static let hour: TimeInterval = 3_600

    // MARK: Shared

    static func clock(_ log: EventLogFacts) -> String {
        let clocks = Set(log.files.filter { $0.events > 0 }.map(\.clock))
        if clocks.count > 1 { return "mixed: UTC for XML, local server time for CSV" }
        return clocks.first == "UTC" ? "UTC" : "local server time"
    }

    static func isLocal(_ log: EventLogFacts) -> Bool { clock(log) != "UTC" }

    static func evidence(_ log: EventLogFacts, window: MonitoringWindow?) -> [String: JSONValue] {
        Evidence.of(EventLogView(log), window.map(WindowView.init))
    }

    /// Where the dates came from and what was assumed: said in every message, because a misread locale moves the window.
    static func provenance(_ log: EventLogFacts) -> String {
        let parts = log.files.map { file -> String in
            var text = "\((file.file as NSString).lastPathComponent): \(file.layout), \(file.encoding), \(file.events) events"
            if let layout = file.dateLayout { text += ", dates \(layout)" }
            if let assumption = file.dateAssumption { text += " (\(assumption))" }
            return text
        }
        return "Read " + parts.joined(separator: "; ") + "."
    }

    /// The export has no event at all: nothing can be proven.
    static func empty(_ log: EventLogFacts) -> Evaluation {
        let files = log.files.map(\.file).joined(separator: ", ")
        let unreadable = log.malformed.isEmpty ? "" : " \(log.malformed.count) rows could not be read (first: \(log.malformed[0].location): \(log.malformed[0].problem))."
        var evaluation = Evaluation.error(
            "The event export (\(files)) holds no events at all, so nothing about writeback can be proven.\(unreadable) Export the Connect "
                + "server's Application log again, covering at least the last \(MonitoringFormat.hours(24)) (see the monitoring commands of docs/collecting-exports.md).",
            evidence: evidence(log, window: nil))
        evaluation.findings = malformedFindings(log.malformed)
        return evaluation
    }

    static func malformedFindings(_ rows: [MalformedRow]) -> [Finding] {
        rows.prefix(100).map {
            Finding(
                status: .error, target: $0.location, message: "Row could not be read: \($0.problem).",
                details: ["group": "unreadable rows"])
        }
    }

    /// Unreadable rows undermine a "nothing found" verdict: a pass becomes `error`; other verdicts keep their status.
    static func accountForUnreadableRows(_ malformed: [MalformedRow], in evaluation: inout Evaluation, claim: String) {
        guard !malformed.isEmpty else { return }
        evaluation.findings += malformedFindings(malformed)
        let first = malformed[0]
        let note = "\(Plural.count(malformed.count, "row")) could not be read (first: \(first.location): \(first.problem))"
        if evaluation.status == .pass {
            evaluation.status = .error
            evaluation.message = "\(note), so '\(claim)' is unproven: an unreadable row may be the event that matters. "
                + "Export the log again unchanged. What was read: " + evaluation.message
        } else {
            evaluation.message += " Also, \(note)."
        }
    }

    static func passwordResetEvents(_ log: EventLogFacts) -> [EventRecord] { log.events.filter(EventCatalog.isPasswordResetService) }

    /// No PasswordResetService event in the window: the export leaves the source out, or is too old to show the window.
    static func noServiceEvents(_ log: EventLogFacts, window: MonitoringWindow, claim: String) -> Evaluation {
        let newestService = passwordResetEvents(log).first
        let seen = newestService.map {
            "The newest PasswordResetService event is from \(MonitoringFormat.time($0.time)), \(MonitoringFormat.duration(window.end.timeIntervalSince($0.time))) before the export's end."
        } ?? "The export holds no PasswordResetService event at all."
        return .error(
            "No PasswordResetService events in \(window.describe(clock: clock(log))), so '\(claim)' cannot be decided: the export is "
                + "filtered without that source, or too old to show the window, or writeback is not running on this server. \(seen) "
                + "Export the Application log including PasswordResetService and ADSync (see docs/collecting-exports.md); if the service is down, MON-001 says so.",
            evidence: evidence(log, window: window))
    }

    // MARK: MON-001

    static func heartbeat(_ log: EventLogFacts, configuredNamespace: String?) -> Evaluation {
        guard log.newest != nil, let end = log.end else { return empty(log) }
        let service = passwordResetEvents(log)
        let heartbeats = service.filter { $0.id == EventCatalog.heartbeat }
        let recent = heartbeats.filter { $0.time >= end.addingTimeInterval(-hour) }
        let age = MonitoringFormat.age(newest: end, readAt: log.readAt, local: isLocal(log))
        let exportEnd = log.exportedAt == end
            ? "The export was made at \(MonitoringFormat.time(end)) (\(clock(log)), its marker row); the export \(age)."
            : "The export's newest event is from \(MonitoringFormat.time(end)) (\(clock(log))); the export \(age)."
        // PasswordResetService and ADSync both run in the ADSync service: when nothing else is in the file and no marker says
        // when it was made, the export ends with the service's own last word, and a service that stopped would look alive.
        let independentEnd = log.exportedAt != nil || log.otherEvents > 0
        var view = HeartbeatView(
            heartbeatsInLastHour: recent.count, heartbeatsInExport: heartbeats.count, endIndependentOfService: independentEnd)
        var evidence: [String: JSONValue] { Evidence.of(EventLogView(log), view) }
        if !recent.isEmpty, !independentEnd {
            var evaluation = Evaluation.error(
                "The export holds only PasswordResetService and ADSync events and no export marker, so it ends with the writeback "
                    + "service's own last event: a heartbeat in its last hour cannot tell a running service from one that stopped after "
                    + "it. Export the whole Application log, or append the export marker row (see the monitoring commands of docs/collecting-exports.md). "
                    + exportEnd, evidence: evidence)
            evaluation.findings = [
                Finding(status: .error, target: "\(EventCatalog.passwordResetService) 31019", message: "The export's end is not independent of the service.")
            ]
            return evaluation
        }
        if let newest = recent.first {
            let namespace = recent.lazy.compactMap { EventCatalog.namespace(in: $0.message) }.first
                ?? heartbeats.lazy.compactMap { EventCatalog.namespace(in: $0.message) }.first
            view.lastHeartbeat = MonitoringFormat.time(newest.time)
            view.serviceBusNamespace = NullEncoded(wrappedValue: namespace)
            var message = "Password writeback is alive: \(Plural.count(recent.count, "ServiceBusHeartBeat (31019) event")) in the export's last hour, the newest at "
                + "\(MonitoringFormat.time(newest.time)) (\((newest.file as NSString).lastPathComponent):\(newest.line)). "
            let configured = configuredLabel(configuredNamespace)
            if let namespace {
                message += "It uses the Service Bus relay '\(namespace)': set network.serviceBusNamespace: \(namespace) so the network checks probe it. "
            } else {
                message += "The heartbeat text names no *.servicebus.* host or ssprdedicatedsb… listener, so the relay namespace is not known; "
                    + "read it from event 31019 in Event Viewer. "
            }
            message += exportEnd + " " + provenance(log)
            if let namespace, let configured, !configured.isEmpty, configured != namespace {
                view.configuredNamespace = configured
                var evaluation = Evaluation(
                    status: .warn,
                    message: "The heartbeat names the relay '\(namespace)', but network.serviceBusNamespace is '\(configured)': the network "
                        + "checks probe a namespace the service does not use. " + message,
                    findings: [
                        Finding(
                            status: .warn, target: EventCatalog.key(newest),
                            message: "Relay '\(namespace)' differs from network.serviceBusNamespace '\(configured)'.")
                    ],
                    evidence: evidence)
                evaluation.generatedRemediation = "network:\n  serviceBusNamespace: \(namespace)"
                return evaluation
            }
            var evaluation = Evaluation(status: .pass, message: message, evidence: evidence)
            if !log.malformed.isEmpty {
                evaluation.message += " \(Plural.count(log.malformed.count, "row")) could not be read (first: \(log.malformed[0].location)); the heartbeat found is proof enough."
                evaluation.findings = malformedFindings(log.malformed)
            }
            return evaluation
        }
        // No heartbeat in the last hour. Decide whether that proves an outage or only an incomplete export.
        guard !service.isEmpty else {
            var evaluation = Evaluation.error(
                "The export holds no PasswordResetService event at all (\(log.otherEvents + log.events.count) events read), so whether "
                    + "writeback runs cannot be decided: either writeback is not enabled on this server or the export leaves the source out. "
                    + exportEnd + " Export the whole Application log, or filter on PasswordResetService and ADSync (see docs/collecting-exports.md).",
                evidence: evidence)
            accountForUnreadableRows(log.malformed, in: &evaluation, claim: "writeback is alive")
            return evaluation
        }
        let span = end.timeIntervalSince(log.oldest ?? end)
        if heartbeats.isEmpty, span < hour {
            return .error(
                "The export covers only \(MonitoringFormat.duration(span)) and holds no heartbeat (31019), so an hour without one cannot be "
                    + "shown. Export at least the last 24 hours. " + exportEnd, evidence: evidence)
        }
        let last = heartbeats.first
        var why = last.map {
            "The last ServiceBusHeartBeat (31019) is from \(MonitoringFormat.time($0.time)), \(MonitoringFormat.duration(end.timeIntervalSince($0.time))) before the export's end"
        } ?? "The export (\(MonitoringFormat.duration(span)) of events) holds no ServiceBusHeartBeat (31019) at all"
        let stops = service.filter { $0.id == 31016 && $0.time >= (last?.time ?? .distantPast) }
        if let stop = stops.first { why += "; WriteBackServiceStopped (31016) was logged at \(MonitoringFormat.time(stop.time))" }
        let errors = service.filter { EventCatalog.isServiceError($0) && $0.time >= end.addingTimeInterval(-24 * hour) }
        if !errors.isEmpty {
            why += "; \(Plural.count(errors.count, "service error")) in the last 24 h (\(Set(errors.map(\.id)).sorted().map(String.init).joined(separator: ", ")), see MON-002)"
        }
        view.lastHeartbeat = last.map { MonitoringFormat.time($0.time) }
        let relay = lastRelay(heartbeats, configuredNamespace: configuredNamespace, view: &view)
        var evaluation = Evaluation(
            status: .fail,
            message: "Password writeback does not answer: no heartbeat in the last hour of the export. \(why).\(relay) " + exportEnd + " "
                + provenance(log),
            findings: [Finding(status: .fail, target: "\(EventCatalog.passwordResetService) 31019", message: why + ".")],
            evidence: evidence)
        evaluation.generatedRemediation =
            "On the Connect server: Restart-Service ADSync; then check the Application log for 31015 (WriteBackServiceStarted) and 31019.\n"
            + "If 32002/32011 appear, open outbound 443 to *.servicebus.windows.net; if it stays silent, disable and re-enable password "
            + "writeback in the Connect wizard (Optional features). Check the server is not in staging mode (CON-003)."
        accountForUnreadableRows(log.malformed, in: &evaluation, claim: "writeback is down")
        return evaluation
    }

    /// `network.serviceBusNamespace` as the label heartbeats name (`x.servicebus.windows.net` → `x`).
    static func configuredLabel(_ configured: String?) -> String? {
        configured.map(InputAgreement.hostLabel)
    }

    /// The relay the newest heartbeat naming one names, for a service that no longer answers: the namespace the network
    /// checks should probe to tell a blocked relay from a stopped service. Empty when the export holds no heartbeat.
    static func lastRelay(_ heartbeats: [EventRecord], configuredNamespace: String?, view: inout HeartbeatView) -> String {
        guard !heartbeats.isEmpty else { return "" }
        guard let (heartbeat, namespace) = heartbeats.lazy.compactMap({ event in EventCatalog.namespace(in: event.message).map { (event, $0) } }).first
        else {
            view.serviceBusNamespace = NullEncoded(wrappedValue: nil)
            return " The heartbeats name no *.servicebus.* host or ssprdedicatedsb… listener, so the relay namespace is not known; "
                + "read it from event 31019 in Event Viewer."
        }
        view.serviceBusNamespace = NullEncoded(wrappedValue: namespace)
        let which = heartbeat.time == heartbeats[0].time ? "The last heartbeat" : "The newest heartbeat that names a relay"
        var text = " \(which) (\(MonitoringFormat.time(heartbeat.time))) named the Service Bus relay '\(namespace)'"
        if let configured = configuredLabel(configuredNamespace), !configured.isEmpty, configured != namespace {
            view.configuredNamespace = configured
            text += ", but network.serviceBusNamespace is '\(configured)': set it to \(namespace) so the network checks probe the relay the service uses."
        } else {
            text += ": network.serviceBusNamespace: \(namespace) lets the network checks probe whether the server still reaches it."
        }
        return text
    }

    // MARK: MON-002

    /// Events grouped by source and id, newest first within each group; groups ordered worst, then most frequent.
    struct Group {
        var key: String
        var events: [EventRecord]
        var status: CheckStatus
        var newest: EventRecord { events[0] }
    }

    static func groups(_ events: [EventRecord], status: (EventRecord) -> CheckStatus) -> [Group] {
        var byKey: [String: [EventRecord]] = [:]
        for event in events { byKey[EventCatalog.key(event), default: []].append(event) }
        return byKey.map { key, events in
            Group(key: key, events: events.sorted { $0.time > $1.time }, status: events.map(status).max(by: { monitoringRank($0) < monitoringRank($1) }) ?? .fail)
        }.sorted { (monitoringRank($0.status), $0.events.count, $1.key) > (monitoringRank($1.status), $1.events.count, $0.key) }
    }

    static func serviceErrors(_ log: EventLogFacts, windowHours: Double) -> Evaluation {
        guard log.newest != nil, let end = log.end else { return empty(log) }
        let window = MonitoringWindow(endingAt: end, hours: windowHours)
        let inWindow = log.events.filter { window.contains($0.time) }
        let serviceInWindow = inWindow.filter(EventCatalog.isPasswordResetService)
        let errors = inWindow.filter(EventCatalog.isServiceError)
        let age = MonitoringFormat.age(newest: end, readAt: log.readAt, local: isLocal(log))
        let described = window.describe(clock: clock(log))
        let noTPM = inWindow.filter(ApplicationCertificateEvents.isNoTPM)
        let evidence = Evidence.of(
            EventLogView(log), WindowView(window),
            ServiceErrorsView(passwordResetServiceEventsInWindow: serviceInWindow.count, applicationCertificateNoTPMEvents: noTPM.count))
        let noTPMNote = noTPM.isEmpty ? "" : " Also \(noTPM.count) \(Plural.word(noTPM.count, "event")) 1014 (the application certificate's key is not in a TPM): "
            + "informational, not counted."
        guard !errors.isEmpty else {
            guard !serviceInWindow.isEmpty else {
                var evaluation = noServiceEvents(log, window: window, claim: "no service-side errors")
                accountForUnreadableRows(log.malformed, in: &evaluation, claim: "no service-side errors")
                return evaluation
            }
            let heartbeats = serviceInWindow.filter { $0.id == EventCatalog.heartbeat }.count
            var evaluation = Evaluation(
                status: .pass,
                message: "No service-side writeback errors (32xxx, 31034, 31044, 31014, ADSync 6800, application certificate 1011/1012) "
                    + "in \(described), which holds \(Plural.count(serviceInWindow.count, "PasswordResetService event")), \(heartbeats) of them heartbeats; "
                    + "the export \(age).\(noTPMNote) " + provenance(log),
                evidence: evidence)
            accountForUnreadableRows(log.malformed, in: &evaluation, claim: "no service-side errors")
            return evaluation
        }
        let grouped = groups(errors, status: EventCatalog.serviceErrorStatus)
        let status: CheckStatus = grouped.contains { $0.status == .fail } ? .fail : .warn
        var evaluation = Evaluation(
            status: status,
            message: "\(Plural.count(errors.count, "service-side writeback error event")) in \(described): "
                + grouped.map { "\($0.key) \(EventCatalog.name($0.newest)) ×\($0.events.count)" }.joined(separator: ", ")
                + ".\(certificateSentence(errors)) The export \(age).\(noTPMNote) " + provenance(log),
            findings: grouped.map { group in
                Finding(
                    status: group.status, target: group.key,
                    message: "\(EventCatalog.name(group.newest)) ×\(group.events.count), newest \(MonitoringFormat.time(group.newest.time)) "
                        + "(\((group.newest.file as NSString).lastPathComponent):\(group.newest.line)): \(EventCatalog.excerpt(group.newest.message)) "
                        + EventCatalog.serviceAdvice(group.newest.id),
                    details: ["count": .int(group.events.count), "newest": .string(MonitoringFormat.time(group.newest.time))])
            },
            evidence: evidence)
        evaluation.addTable(
            ReportTable(
                title: "Service-side errors in the window", columns: ["Event", "Name", "Count", "Newest", "Newest message"],
                rows: grouped.map { [$0.key, EventCatalog.name($0.newest), String($0.events.count), MonitoringFormat.time($0.newest.time), EventCatalog.excerpt($0.newest.message)] }))
        evaluation.generatedRemediation = Array(Set(grouped.map { EventCatalog.serviceAdvice($0.newest.id) })).sorted().joined(separator: "\n")
        accountForUnreadableRows(log.malformed, in: &evaluation, claim: "no service-side errors")
        return evaluation
    }
}

extension EventJudgements {
    /// What 1012 and 1011 mean, said once in MON-002's message when either is among the errors.
    static func certificateSentence(_ errors: [EventRecord]) -> String {
        if let expired = errors.first(where: ApplicationCertificateEvents.isExpired) {
            return " The Entra connector's application certificate expired (event 1012, newest \(MonitoringFormat.time(expired.time))): "
                + "Connect cannot authenticate to Microsoft Entra ID, so sync and password writeback stop until it is rotated."
        }
        if let aging = errors.first(where: ApplicationCertificateEvents.isAging) {
            return " The Entra connector's application certificate has used 70 % of its lifetime (event 1011, newest "
                + "\(MonitoringFormat.time(aging.time))): rotate it before it expires."
        }
        return ""
    }
}

/// Worse is higher (pass < skip < warn < error < fail), for picking a group's status.
func monitoringRank(_ status: CheckStatus) -> Int {
    switch status {
    case .pass: 0
    case .skip, .waived: 1
    case .warn: 2
    case .error: 3
    case .fail: 4
    }
}

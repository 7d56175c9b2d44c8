import Foundation
import PreflightCore

/// The monitoring readers' fuzzing entries (see `FuzzEntry`).
extension FuzzEntry {
    // MARK: Monitoring

    /// `monitoring.events`: Get-WinEvent or Event Viewer CSV, or wevtutil XML, whichever the file holds.
    @discardableResult
    package static func eventLog(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "application.csv") { path -> String? in
            do { _ = try EventLogReader.read([path]) } catch { return "\(error)" }
            return nil
        }
    }

    /// wevtutil XML alone: decoded as `EventLogReader` decodes files, then parsed.
    @discardableResult
    package static func wevtutilXML(_ bytes: [UInt8]) -> String? {
        guard let text = TextDecoding.decode(Data(bytes)) else { return "not text" }
        do { _ = try WevtutilXML.parse(text, file: "application.xml") } catch { return "\(error)" }
        return nil
    }

    /// `monitoring.audit`: the admin center's CSV or JSON download, or saved Graph pages.
    @discardableResult
    package static func auditLog(_ bytes: [UInt8]) -> String? {
        withFile(bytes, named: "audit.json") { path -> String? in
            do { _ = try AuditLogReader.read([path]) } catch { return "\(error)" }
            return nil
        }
    }
}

import Foundation

/// Credentials inside URLs (proxy settings, environment variables) are replaced before anything is written.
package enum Redaction {
    /// `http://user:secret@proxy:3128` → `http://***@proxy:3128`: credentials never reach a report.
    package static func urlCredentials(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else {
            guard url.contains("@") else { return url }
            return "***@" + (url.split(separator: "@").last.map(String.init) ?? "")
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
    }
}

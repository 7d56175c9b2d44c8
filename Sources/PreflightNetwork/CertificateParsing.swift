import Foundation
import PreflightCore

/// Turns libcurl's certificate fields (OpenSSL's one-line names, `Nov  6 10:00:00 2027 GMT` dates) into facts.
enum CertificateParsing {
    static func facts(_ fields: [String: String], verified: Bool) -> CertificateFacts? {
        guard let subject = fields["Subject"], let issuer = fields["Issuer"] else { return nil }
        let sans = (fields["X509v3 Subject Alternative Name"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return CertificateFacts(
            subject: subject.trimmingCharacters(in: .whitespaces), issuer: issuer.trimmingCharacters(in: .whitespaces),
            issuerOrganization: attribute("O", in: issuer), subjectAlternativeNames: sans,
            notBefore: fields["Start date"].flatMap(isoDate), notAfter: fields["Expire date"].flatMap(isoDate), verified: verified)
    }

    /// One attribute of a distinguished name in OpenSSL's one-line form: `C = US, O = "DigiCert, Inc.", CN = …`
    /// (values with commas are quoted), or the older `/C=US/O=DigiCert Inc/CN=…` form.
    static func attribute(_ key: String, in name: String) -> String? {
        if name.hasPrefix("/") {
            for part in name.split(separator: "/") where part.hasPrefix(key + "=") {
                return String(part.dropFirst(key.count + 1))
            }
            return nil
        }
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in name {
            if character == "\"" { quoted.toggle(); continue }
            if character == ",", !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0] == key { return pair[1] }
        }
        return nil
    }

    private static let opensslDate = UTC.formatter("MMM d HH:mm:ss yyyy zzz")

    /// `Nov  6 10:00:00 2027 GMT` → `2027-11-06T10:00:00Z`; the text itself when it is in another shape.
    static func isoDate(_ text: String) -> String {
        let compact = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let date = opensslDate.date(from: compact)
        guard let date else { return compact }
        return RFC3339.string(date)
    }
}

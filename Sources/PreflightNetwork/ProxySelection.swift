import Foundation

/// Chooses the proxy for one target the way libcurl would from the same settings, but explicitly, so the
/// report can say which proxy was used and why. `network.proxy` wins over the environment.
struct ProxySelection: Sendable {
    var configured: String?
    var environment: [String: String]

    struct Decision: Sendable {
        var proxy: ProxyChoice?
        /// Why there is no proxy, when there is none (for the report).
        var note: String?
    }

    func decide(scheme: String, host: String) -> Decision {
        let candidate: ProxyChoice? = {
            if let configured, !configured.isEmpty { return ProxyChoice(url: configured, source: "network.proxy") }
            // libcurl reads only the lower-case http_proxy (HTTP_PROXY can be set by a CGI request header).
            let names = scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
            for name in names + ["all_proxy", "ALL_PROXY"] {
                if let value = environment[name], !value.isEmpty { return ProxyChoice(url: value, source: name) }
            }
            return nil
        }()
        guard let candidate else { return Decision(proxy: nil, note: "no proxy configured (network.proxy, HTTPS_PROXY and https_proxy are unset)") }
        for name in ["no_proxy", "NO_PROXY"] {
            guard let list = environment[name], !list.isEmpty else { continue }
            if let entry = Self.bypassEntry(list, host: host) {
                return Decision(proxy: nil, note: "\(name) entry '\(entry)' bypasses \(candidate.url) for \(host)")
            }
            break
        }
        return Decision(proxy: candidate, note: nil)
    }

    /// The NO_PROXY entry matching `host`, with libcurl's rules: `*` matches everything, `example.com` and
    /// `.example.com` match the domain and every name under it, IP addresses match exactly, IPv4 CIDR ranges match.
    static func bypassEntry(_ list: String, host: String) -> String? {
        let host = host.lowercased().trimmingCharacters(in: ["[", "]"])
        for raw in list.split(separator: ",") {
            let entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !entry.isEmpty else { continue }
            if entry == "*" { return entry }
            if entry.contains("/"), let range = IPv4Range(entry), let address = IPv4Range.parse(host) {
                if range.contains(address) { return entry }
                continue
            }
            let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == domain || host.hasSuffix("." + domain) { return entry }
        }
        return nil
    }
}

/// An IPv4 CIDR range such as `10.0.0.0/8`.
struct IPv4Range {
    var network: UInt32
    var mask: UInt32

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = Self.parse(String(parts[0])), let bits = Int(parts[1]), (0...32).contains(bits) else {
            return nil
        }
        mask = bits == 0 ? 0 : UInt32.max << (32 - bits)
        network = address & mask
    }

    func contains(_ address: UInt32) -> Bool { address & mask == network }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4, text.split(separator: ".", omittingEmptySubsequences: false).count == 4 else { return nil }
        return octets.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

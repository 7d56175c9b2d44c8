import Foundation

/// A network target as the configuration and the network checks write it.
public struct EndpointURL: Sendable, Hashable {
    public var url: String
    public var scheme: String
    public var host: String
    public var port: Int

    /// Accepts `https://host[:port][/path]` and `http://…`; a bare host name means https.
    public init?(_ text: String) {
        let url = text.contains("://") ? text : "https://" + text
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        self.url = components.path.isEmpty ? url + "/" : url
    }
}

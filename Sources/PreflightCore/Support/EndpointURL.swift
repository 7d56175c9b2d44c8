import Foundation

/// A network target as the configuration and the network checks write it.
package struct EndpointURL: Sendable, Hashable {
    package var url: String
    package var scheme: String
    package var host: String
    package var port: Int

    /// Accepts `https://host[:port][/path]` and `http://…`; a bare host name means https.
    package init?(_ text: String) {
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

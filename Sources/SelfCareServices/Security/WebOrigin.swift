import Foundation

/// The origin of a web address (`https://shop.example.mu:8443`): scheme, host and port, lower-cased, default port left out.
package struct WebOrigin: Sendable, Hashable {
    package var scheme: String
    package var host: String
    package var port: Int?

    /// Parses an absolute `http://` or `https://` address with a host and no user part; nil for anything else.
    package init?(_ text: String) {
        guard !text.contains(where: { $0.isWhitespace || $0 == "\\" }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty,
              components.user == nil, components.password == nil else { return nil }
        self.scheme = scheme
        self.host = host
        let defaultPort = scheme == "https" ? 443 : 80
        port = components.port.flatMap { $0 == defaultPort ? nil : $0 }
    }

    /// `scheme://host[:port]`.
    package var text: String {
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)" + (port.map { ":\($0)" } ?? "")
    }
}

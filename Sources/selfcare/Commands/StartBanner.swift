import SelfCareServices

/// What a start prints last, once the portal listens: where it is, and in development how to try it at once.
struct StartBanner: Sendable {
    let portalURL: String
    let mode: AppConfiguration.Mode
    let logins: [DemoHistory.Login]
    let password: String
    let sandboxGateway: Bool

    var text: String {
        var lines = ["SelfCare is running at \(portalURL) (\(mode.rawValue))"]
        if mode == .development {
            if !logins.isEmpty {
                lines.append("Demo logins, password \(password):")
                let width = logins.map(\.identifier.count).max() ?? 0
                for login in logins {
                    lines.append("  " + login.identifier.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + login.name)
                }
            }
            lines.append("Messages sent (SMS and e-mail): \(portalURL)/dev/messages")
            if sandboxGateway { lines.append("Pay with the test card 4242 4242 4242 4242, any future expiry date, any CVC") }
        }
        let rule = String(repeating: "─", count: (lines.map(\.count).max() ?? 40) + 2)
        return ([rule] + lines.map { " " + $0 } + [rule]).joined(separator: "\n")
    }
}

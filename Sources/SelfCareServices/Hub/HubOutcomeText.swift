import SelfCareCore

/// A delivery outcome's category (`http 503`, `timeout`, …) in the subscriber's words.
package enum HubOutcomeText {
    package static func text(_ category: String, _ language: Language, localizer: Localizer = Notices.strings) -> String {
        if category.hasPrefix("http "), let status = Int(category.dropFirst(5)) {
            return localizer.text("apiAccess.outcome.http", language, ["status": String(status)])
        }
        let known = ["timeout", "refused", "tls", "network", "address", "resolution", "invalid"]
        return known.contains(category) ? localizer.text("apiAccess.outcome.\(category)", language) : category
    }
}

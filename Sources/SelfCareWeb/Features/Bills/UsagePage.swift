import SelfCareCore
/// The open period's usage records of a line, filtered by kind and dates, a page at a time.
struct UsagePage: Sendable {
    let account: AccountSummary
    let period: String
    let totalCharges: String
    let filteredCharges: String
    let types: [UsageTypeOption]
    /// The filter's first day (`yyyy-mm-dd`, empty: none).
    let from: String
    /// The filter's last day (`yyyy-mm-dd`, empty: none).
    let to: String
    let records: [UsageRecordRow]
    let hasRecords: Bool
    let pageText: String
    /// The link to the page before, if any.
    let previous: String?
    /// The link to the page after, if any.
    let next: String?
}

/// A kind of usage in the filter's list.
struct UsageTypeOption: Sendable {
    let value: String
    let label: String
    let selected: Bool
}

/// One usage record: when, what, where to, how much, how much of it the bundle covered, and its charge.
struct UsageRecordRow: Sendable {
    let time: String
    let kind: String
    let destination: String
    /// The country the line roamed in, if it did.
    let roaming: String?
    let amount: String
    let bundle: String
    /// `in`, `partly` or `out`: how the row is coloured.
    let bundleUse: String
    let charge: String
}

extension BundleUse {
    /// The class a usage row is coloured by: `in`, `partly` or `out`.
    var pageClass: String {
        switch self {
        case .inBundle: "in"
        case .partlyInBundle: "partly"
        case .outOfBundle: "out"
        }
    }
}

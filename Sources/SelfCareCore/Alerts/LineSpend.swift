import Foundation

/// What a line has been charged out of bundle in a period, against its limit.
public struct LineSpend: Sendable, Hashable {
    public var charged: Money
    public var limit: Money?
    public var overSince: Date?
    public var consent: SpendConsent?

    public init(charged: Money, limit: Money?, overSince: Date?, consent: SpendConsent?) {
        self.charged = charged
        self.limit = limit
        self.overSince = overSince
        self.consent = consent
    }
}

/// A subscriber's consent to go over the spend limit for one period.
public struct SpendConsent: Sendable, Hashable {
    public var userID: Int64
    public var at: Date

    public init(userID: Int64, at: Date) {
        self.userID = userID
        self.at = at
    }
}

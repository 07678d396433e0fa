/// What kind of customer a client is; companies and ministries usually have group bills.
public enum ClientKind: String, Sendable, Codable, CaseIterable {
    case individual
    case company
    case government
}

/// A customer of the operator, who holds one or more billing accounts.
public struct Client: Sendable, Hashable {
    /// The operator's own reference for the client (from the customers file).
    public var reference: String
    public var name: String
    public var kind: ClientKind
    public var contactEmail: String?
    /// The mobile number the client's activation codes go to.
    public var contactMSISDN: MSISDN?

    public init(reference: String, name: String, kind: ClientKind, contactEmail: String?, contactMSISDN: MSISDN?) {
        self.reference = reference
        self.name = name
        self.kind = kind
        self.contactEmail = contactEmail
        self.contactMSISDN = contactMSISDN
    }
}

/// A mobile line: its number, its plan and the day it was activated.
public struct Line: Sendable, Hashable {
    public var msisdn: MSISDN
    public var planCode: String
    public var activatedOn: CalendarDay

    public init(msisdn: MSISDN, planCode: String, activatedOn: CalendarDay) {
        self.msisdn = msisdn
        self.planCode = planCode
        self.activatedOn = activatedOn
    }
}

/// A billing account: one line, billed once a month, belonging to one client.
public struct BillingAccount: Sendable, Hashable {
    public var id: AccountID
    public var clientReference: String
    public var line: Line

    public init(id: AccountID, clientReference: String, line: Line) {
        self.id = id
        self.clientReference = clientReference
        self.line = line
    }
}

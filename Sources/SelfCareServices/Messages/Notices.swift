import Foundation
import SelfCareCore
import SelfCareStore

/// The messages the operator sends, their texts from the locale files (`message.*`), as the pages' are.
package enum Notices {
    /// The locale files, read once.
    static let strings: Localizer = {
        do { return try Localizer.bundled() } catch { fatalError("the bundled locale files cannot be read: \(error)") }
    }()

    private static func text(_ key: String, _ language: Language, _ values: [String: String]) -> String {
        strings.text("message.\(key)", language, values)
    }

    /// The SMS announcing a new bill, in `language` (the line's own login's, else the default).
    package static func billReady(_ notice: BillReadyNotice, language: Language = .default) -> [NewOutboxMessage] {
        let body = text("billReady", language, [
            "billNo": notice.billNo, "period": DisplayFormat.period(notice.period, language), "total": notice.total.formatted(language),
            "due": DisplayFormat.day(notice.dueDate, language), "account": notice.accountID.grouped,
        ])
        return [NewOutboxMessage(
            channel: .sms, recipient: notice.msisdn.e164, body: body, language: language, purpose: "billReady",
            accountRowID: notice.accountRowID, clientRowID: notice.clientRowID)]
    }

    /// The SMS carrying an activation or reset code.
    package static func code(_ code: String, purpose: CodePurpose, to msisdn: MSISDN, operatorName: String, language: Language) -> NewOutboxMessage {
        let body = text("code.\(purpose.rawValue)", language, ["operator": operatorName, "code": code])
        return NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: body, language: language, purpose: purpose.rawValue, priority: 0)
    }

    /// The SMS telling the owner of an already registered identifier that someone tried to register it.
    package static func registrationAttempt(to msisdn: MSISDN, helpline: String, operatorName: String, language: Language) -> NewOutboxMessage {
        let body = text("registrationAttempt", language, ["operator": operatorName, "helpline": helpline])
        return NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: body, language: language, purpose: "registrationAttempt")
    }

    /// The confirmation SMS and e-mail once a registration is complete. `identifier` is an Account ID to show; nil for a
    /// Client ID, which is confidential and never written in a message.
    package static func registrationConfirmed(
        fullName: String, identifier: String?, msisdn: MSISDN, email: String, userID: Int64, operatorName: String, helpline: String,
        portalURL: String, language: Language
    ) -> [NewOutboxMessage] {
        let shown = identifier.map { text("identifier.account", language, ["account": $0]) } ?? text("identifier.client", language, [:])
        let values = ["operator": operatorName, "identifier": shown, "portal": portalURL, "fullName": fullName, "helpline": helpline]
        return [
            NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: text("registrationConfirmed.sms", language, values), language: language,
                             purpose: "registrationConfirmed", userID: userID),
            NewOutboxMessage(channel: .email, recipient: email, subject: text("registrationConfirmed.subject", language, values),
                             body: text("registrationConfirmed.body", language, values), language: language, purpose: "registrationConfirmed",
                             userID: userID),
        ]
    }

    /// The SMS confirming a password change.
    package static func passwordChanged(to msisdn: MSISDN, userID: Int64, operatorName: String, helpline: String, language: Language) -> NewOutboxMessage {
        let body = text("passwordChanged", language, ["operator": operatorName, "helpline": helpline])
        return NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: body, language: language, purpose: "passwordChanged", userID: userID)
    }

    /// The receipt by SMS and e-mail once a payment succeeded.
    package static func receipt(
        receiptNo: String, amount: Money, card: String?, msisdn: MSISDN, email: String, userID: Int64, operatorName: String, link: String,
        paymentID: String, language: Language
    ) -> [NewOutboxMessage] {
        let values = [
            "operator": operatorName, "amount": amount.formatted(language), "receiptNo": receiptNo, "link": link,
            "card": card.map { text("receipt.card", language, ["card": $0]) } ?? "",
        ]
        return [
            NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: text("receipt.sms", language, values), language: language,
                             purpose: "receipt", userID: userID),
            NewOutboxMessage(channel: .email, recipient: email, subject: text("receipt.subject", language, values),
                             body: text("receipt.body", language, values), language: language, purpose: "receipt", userID: userID,
                             attachment: "payment:\(paymentID)"),
        ]
    }

    /// The e-mail telling a subscription's owner that it was paused after failing for a day.
    package static func subscriptionPaused(
        callback: String, since: Date, lastOutcome: String, email: String, userID: Int64, operatorName: String, portalURL: String,
        language: Language
    ) -> NewOutboxMessage {
        let values = [
            "callback": callback, "since": DisplayFormat.moment(since, language), "outcome": HubOutcomeText.text(lastOutcome, language),
            "portal": portalURL + "/api-access", "operator": operatorName,
        ]
        return NewOutboxMessage(
            channel: .email, recipient: email, subject: text("subscriptionPaused.subject", language, values),
            body: text("subscriptionPaused.body", language, values), language: language, purpose: "subscriptionPaused", userID: userID)
    }

    /// An alert that a line reached a level of an allowance or of its spend limit, by each channel asked for.
    package static func usageAlert(_ alert: UsageAlertNotice, language: Language) -> [NewOutboxMessage] {
        var values = [
            "operator": alert.operatorName, "msisdn": alert.msisdn.e164, "period": DisplayFormat.period(alert.period, language),
            "percent": String(alert.level.percent), "portal": alert.portalURL,
        ]
        let key: String
        if let use = alert.use {
            values["bucket"] = text("usageAlert.bucket.\(use.bucket.rawValue)", language, [:])
            values["used"] = DisplayFormat.quantity(use.used, unit: use.bucket.unit, language)
            values["allowance"] = DisplayFormat.quantity(use.allowance, unit: use.bucket.unit, language)
            key = alert.level.percent >= 100 ? "exhausted" : "threshold"
        } else {
            values["charged"] = alert.charged.formatted(language)
            values["limit"] = (alert.limit ?? .zero).formatted(language)
            key = alert.level.percent >= 100 ? "spendReached" : "spendWarning"
        }
        let body = text("usageAlert.\(key)", language, values)
        return alert.channels.compactMap { channel -> NewOutboxMessage? in
            switch channel {
            case .sms:
                return NewOutboxMessage(channel: .sms, recipient: alert.msisdn.e164, body: body, language: language, purpose: "usageAlert",
                                        accountRowID: alert.accountRowID, clientRowID: alert.clientRowID)
            case .email:
                guard let email = alert.email else { return nil }
                return NewOutboxMessage(
                    channel: .email, recipient: email, subject: text("usageAlert.subject", language, values),
                    body: text("usageAlert.body", language, values.merging(["text": body]) { $1 }), language: language,
                    purpose: "usageAlert", accountRowID: alert.accountRowID, clientRowID: alert.clientRowID)
            }
        }
    }
}

/// What a one-time code is for.
package enum CodePurpose: String, Sendable {
    case activation
    case passwordReset

}

/// What a usage alert says and where it goes.
package struct UsageAlertNotice: Sendable {
    package var level: AlertLevel
    package var msisdn: MSISDN
    package var period: BillingPeriod
    /// The bucket's use, for an allowance alert.
    package var use: BucketUse?
    /// Out-of-bundle charges with VAT and the limit, for a spend alert.
    package var charged: Money
    package var limit: Money?
    package var channels: [AlertChannel]
    package var email: String?
    package var accountRowID: Int64
    package var clientRowID: Int64
    package var operatorName: String
    package var portalURL: String
}

extension UsageBucket {
    /// The unit its use is counted in.
    package var unit: UsageUnit {
        switch self {
        case .voice: .minute
        case .sms: .message
        case .data: .byte
        }
    }
}

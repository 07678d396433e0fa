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
}

/// What a one-time code is for.
package enum CodePurpose: String, Sendable {
    case activation
    case passwordReset
}

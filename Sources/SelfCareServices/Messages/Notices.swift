import Foundation
import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// The texts of the messages the operator sends, in French and English.
package enum Notices {
    /// The SMS announcing a new bill, in `language`.
    package static func billReady(_ notice: BillReadyNotice, language: Language = .default) -> [NewOutboxMessage] {
        let due = notice.dueDate.description
        let body: String = switch language {
        case .french:
            "Votre facture \(notice.billNo) de \(notice.period) est disponible : \(notice.total.formatted(.french)), à régler avant le \(due). Compte \(notice.accountID)."
        case .english:
            "Your bill \(notice.billNo) for \(notice.period) is ready: \(notice.total.formatted(.english)), due by \(due). Account \(notice.accountID)."
        }
        return [NewOutboxMessage(
            channel: .sms, recipient: notice.msisdn.e164, body: body, language: language, purpose: "billReady",
            accountRowID: notice.accountRowID, clientRowID: notice.clientRowID)]
    }
}

extension Notices {
    /// The SMS carrying an activation or reset code.
    package static func code(_ code: String, purpose: CodePurpose, to msisdn: MSISDN, operatorName: String, language: Language) -> NewOutboxMessage {
        let body: String = switch (purpose, language) {
        case (.activation, .french):
            "\(operatorName) SelfCare : votre code d'activation est \(code). Il est valable 10 minutes. Ne le communiquez à personne."
        case (.activation, .english):
            "\(operatorName) SelfCare: your activation code is \(code). It is valid for 10 minutes. Never share it."
        case (.passwordReset, .french):
            "\(operatorName) SelfCare : votre code pour changer de mot de passe est \(code). Valable 10 minutes. Ne le communiquez à personne."
        case (.passwordReset, .english):
            "\(operatorName) SelfCare: your password reset code is \(code). Valid for 10 minutes. Never share it."
        }
        return NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: body, language: language, purpose: purpose.rawValue, priority: 0)
    }

    /// The SMS telling the owner of an already registered identifier that someone tried to register it.
    package static func registrationAttempt(to msisdn: MSISDN, helpline: String, operatorName: String, language: Language) -> NewOutboxMessage {
        let body: String = switch language {
        case .french:
            "\(operatorName) SelfCare : quelqu'un a tenté d'enregistrer votre identifiant, déjà enregistré. Si ce n'est pas vous, ignorez ce message ou appelez le \(helpline)."
        case .english:
            "\(operatorName) SelfCare: someone tried to register your identifier, which is already registered. If it was not you, ignore this message or call \(helpline)."
        }
        return NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: body, language: language, purpose: "registrationAttempt")
    }

    /// The confirmation SMS and e-mail once a registration is complete. `identifier` is an Account ID to show; nil for a
    /// Client ID, which is confidential and never written in a message.
    package static func registrationConfirmed(
        fullName: String, identifier: String?, msisdn: MSISDN, email: String, userID: Int64, operatorName: String, helpline: String,
        portalURL: String, language: Language
    ) -> [NewOutboxMessage] {
        let sms: String
        let subject: String
        let text: String
        let french = identifier.map { "votre Identifiant de Compte \($0)" } ?? "votre Identifiant Client"
        let english = identifier.map { "your Account ID \($0)" } ?? "your Client ID"
        switch language {
        case .french:
            sms = "\(operatorName) SelfCare : votre enregistrement est confirmé. Connectez-vous avec \(french) sur \(portalURL)."
            subject = "Votre enregistrement à \(operatorName) SelfCare est confirmé"
            text = """
                Bonjour \(fullName),

                Votre enregistrement à \(operatorName) SelfCare est confirmé. Vous pouvez désormais vous connecter avec \(french) et votre mot de passe sur \(portalURL) pour vérifier votre consommation, consulter vos factures et les régler en ligne.

                Si vous n'êtes pas à l'origine de cet enregistrement, appelez le \(helpline).

                \(operatorName)
                """
        case .english:
            sms = "\(operatorName) SelfCare: your registration is confirmed. Log in with \(english) at \(portalURL)."
            subject = "Your \(operatorName) SelfCare registration is confirmed"
            text = """
                Hello \(fullName),

                Your \(operatorName) SelfCare registration is confirmed. You can now log in with \(english) and your password at \(portalURL) to check your usage, see your bills and pay them online.

                If you did not register, please call \(helpline).

                \(operatorName)
                """
        }
        return [
            NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: sms, language: language, purpose: "registrationConfirmed", userID: userID),
            NewOutboxMessage(channel: .email, recipient: email, subject: subject, body: text, language: language,
                             purpose: "registrationConfirmed", userID: userID),
        ]
    }

    /// The SMS confirming a password change.
    package static func passwordChanged(to msisdn: MSISDN, userID: Int64, operatorName: String, helpline: String, language: Language) -> NewOutboxMessage {
        let body: String = switch language {
        case .french: "\(operatorName) SelfCare : votre mot de passe a été changé. Si ce n'est pas vous, appelez le \(helpline)."
        case .english: "\(operatorName) SelfCare: your password was changed. If it was not you, call \(helpline)."
        }
        return NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: body, language: language, purpose: "passwordChanged", userID: userID)
    }
}

/// What a one-time code is for.
package enum CodePurpose: String, Sendable {
    case activation
    case passwordReset
}

extension Notices {
    /// The receipt by SMS and e-mail once a payment succeeded.
    package static func receipt(
        receiptNo: String, amount: Money, card: String?, msisdn: MSISDN, email: String, userID: Int64, operatorName: String, link: String,
        paymentID: String, language: Language
    ) -> [NewOutboxMessage] {
        let paid = amount.formatted(language)
        let sms: String
        let subject: String
        let text: String
        switch language {
        case .french:
            sms = "\(operatorName) : paiement de \(paid) reçu, merci. Reçu \(receiptNo) : \(link)"
            subject = "Votre reçu \(receiptNo)"
            text = "Bonjour,\n\nNous avons bien reçu votre paiement de \(paid)\(card.map { " par carte \($0)" } ?? ""). Votre reçu \(receiptNo) est joint à ce message et disponible sur \(link).\n\nMerci,\n\(operatorName)"
        case .english:
            sms = "\(operatorName): payment of \(paid) received, thank you. Receipt \(receiptNo): \(link)"
            subject = "Your receipt \(receiptNo)"
            text = "Hello,\n\nWe have received your payment of \(paid)\(card.map { " by card \($0)" } ?? ""). Your receipt \(receiptNo) is attached and at \(link).\n\nThank you,\n\(operatorName)"
        }
        return [
            NewOutboxMessage(channel: .sms, recipient: msisdn.e164, body: sms, language: language, purpose: "receipt", userID: userID),
            NewOutboxMessage(channel: .email, recipient: email, subject: subject, body: text, language: language, purpose: "receipt", userID: userID,
                             attachment: "payment:\(paymentID)"),
        ]
    }
}

import SelfCareCore
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

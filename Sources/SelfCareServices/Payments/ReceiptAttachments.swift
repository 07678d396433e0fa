import SelfCareCore
import SelfCareDocuments
import SelfCareMessaging
import SelfCareStore

/// Renders the receipt PDF a receipt e-mail carries (`attachment` = `payment:<id>`), in the payer's language.
package struct ReceiptAttachments: MailAttachmentProvider {
    let database: Database
    let payments: PaymentService
    let localizer: Localizer

    package init(database: Database, payments: PaymentService, localizer: Localizer) {
        self.database = database
        self.payments = payments
        self.localizer = localizer
    }

    package func attachments(for message: OutgoingMessage) async throws -> [MailAttachment] {
        guard let reference = message.attachment, reference.hasPrefix("payment:"),
              let payment = try await payments.storedPayment(String(reference.dropFirst("payment:".count))),
              let payer = try await database.read({ db in try await UserRepository().user(id: payment.userID, on: db) }),
              let document = try await payments.receiptDocument(for: payment, payerName: payer.fullName)
        else { return [] }
        let language = message.language
        let pdf = try ReceiptPDF.render(document, language: language, labels: { localizer.text($0, language) })
        return [MailAttachment(filename: "\(document.receiptNo).pdf", contentType: "application/pdf", data: Array(pdf))]
    }
}

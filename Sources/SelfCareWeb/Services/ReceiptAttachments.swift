import SelfCareDocuments
import SelfCareMessaging
import SelfCareStore

/// Renders the receipt PDF a receipt e-mail carries (`attachment` = `payment:<id>`), in the payer's language.
struct ReceiptAttachments: MailAttachmentProvider {
    let database: Database
    let payments: PaymentService
    let localizer: Localizer

    func attachments(for message: OutboxMessage) async throws -> [MailAttachment] {
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

import SelfCareCore
import SelfCareMessaging
import SelfCareStore

/// Renders the receipt PDF a receipt e-mail carries (`attachment` = `payment:<id>`), in the payer's language.
package struct ReceiptAttachments: MailAttachmentProvider {
    let database: Database
    let payments: PaymentService
    let documents: DocumentService

    package func attachments(for message: OutgoingMessage) async throws -> [MailAttachment] {
        guard let reference = message.attachment, reference.hasPrefix("payment:"),
              let payment = try await payments.storedPayment(String(reference.dropFirst("payment:".count))),
              let payer = try await database.read({ db in try await UserRepository().user(id: payment.userID, on: db) }),
              let (filename, pdf) = try await documents.receiptPDF(for: payment, payerName: payer.fullName, language: message.language)
        else { return [] }
        return [MailAttachment(filename: filename, contentType: "application/pdf", data: Array(pdf))]
    }
}

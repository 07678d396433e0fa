import Foundation
import Hummingbird
import SelfCareCore
import SelfCareDocuments
import SelfCarePayments
import SelfCareServices
import SelfCareStore

/// Paying bills by card in the browser: the pay form posts here, the browser goes to the gateway's hosted page,
/// comes back, and sees the outcome confirmed with the gateway; receipts to view, print and download.
struct PaymentPagesController {
    let pages: PageRenderer
    let payments: PaymentService

    /// The way back from the gateway is open to anyone (the payer may have no page session); the rest needs a login.
    func addRoutes(public router: some RouterMethods<AppRequestContext>, signedIn: some RouterMethods<AppRequestContext>) {
        addReturnRoute(to: router)
        addPaymentRoutes(to: signedIn)
    }

    private func addPaymentRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("/payments") { request, context -> Response in
            let identity = try context.signedInIdentity()
            let form = context.form
            var lines: [PaymentService.Line] = []
            for (name, value) in form.sorted(by: { $0.key < $1.key }) where name.hasPrefix("pay_") && value == "on" {
                let number = String(name.dropFirst(4))
                // An empty amount pays all that remains; one that is not an amount is refused, never read as "all".
                let typed = (form["amount_\(number)"] ?? "").trimmingCharacters(in: .whitespaces)
                var amount: Money?
                if !typed.isEmpty {
                    let decimal = typed.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "\u{00A0}", with: "")
                        .replacingOccurrences(of: " ", with: "")
                    guard let parsed = try? Money(decimal: decimal.hasPrefix("Rs") ? String(decimal.dropFirst(2)) : decimal) else {
                        let text = pages.localizer.text("error.payment.invalidAmount", context.language, ["amount": typed, "bill": number])
                        return try pages.page("message", titleKey: "payment.refusedTitle", request: request, context: context,
                                              values: ["heading": pages.localizer.text("payment.refusedTitle", context.language), "text": text, "back": true],
                                              status: .unprocessableContent).response(from: request, context: context)
                    }
                    amount = parsed
                }
                lines.append(.init(number: number, amount: amount))
            }
            let result: Result<StoredPayment, ServiceError>
            do {
                result = try await payments.start(identity, lines: lines, idempotencyKey: form["idempotencyKey"] ?? "", returnURL: nil)
            } catch {
                context.logger.error("payment not started: \(error)")
                return try message(request, context, titleKey: "payment.unavailableTitle", textKey: "payment.unavailable", status: .serviceUnavailable)
            }
            switch result {
            case .success(let payment):
                if payment.status != .pending { return .seeOther("/payments/\(payment.id)") }
                return .seeOther(payment.redirectURL ?? "/payments/\(payment.id)")
            case .failure(let error):
                let text = pages.localizer.text(error.messageKey, context.language, error.values)
                var values: [String: Any] = ["heading": pages.localizer.text("payment.refusedTitle", context.language), "text": text, "back": true]
                if let underWay = error.values["payment"], !underWay.isEmpty {
                    values["link"] = "/payments/\(underWay)"
                    values["linkText"] = pages.localizer.text("payment.seeUnderWay", context.language)
                }
                return try pages.page("message", titleKey: "payment.refusedTitle", request: request, context: context, values: values,
                                      status: error.kind == .conflict ? .conflict : .unprocessableContent).response(from: request, context: context)
            }
        }
        router.get("/payments/{id}") { request, context -> Response in
            let identity = try context.signedInIdentity()
            guard var payment = try await payments.payment(try context.parameters.require("id"), for: identity) else { throw HTTPError(.notFound) }
            // Refreshing a pending payment asks the gateway again.
            if payment.status == .pending, let confirmed = try? await payments.confirm(payment.id) { payment = confirmed }
            return try await paymentPage(payment, identity: identity, request: request, context: context)
        }
        router.get("/payments/{id}/receipt.pdf") { request, context -> Response in
            let identity = try context.signedInIdentity()
            guard let payment = try await payments.payment(try context.parameters.require("id"), for: identity),
                  let document = try await payments.receiptDocument(for: payment, payerName: identity.user.fullName) else { throw HTTPError(.notFound) }
            let data = try ReceiptPDF.render(document, language: context.language, labels: { pages.localizer.text($0, context.language) })
            return Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(document.receiptNo).pdf\"",
                                                   .cacheControl: "private, no-store"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/payments") { request, context -> Response in
            let identity = try context.signedInIdentity()
            let language = context.language
            let list = try await payments.history(identity).map { payment -> [String: Any] in
                ["id": payment.id, "date": DisplayFormat.time(payment.createdAt, language), "amount": payment.amount.formatted(language),
                 "status": pages.localizer.text("payment.status.\(payment.status.rawValue)", language), "statusCode": payment.status.rawValue,
                 "card": card(payment) ?? ""]
            }
            return try pages.page("payments", titleKey: "payment.historyTitle", request: request, context: context,
                                  values: ["payments": list, "hasPayments": !list.isEmpty]).response(from: request, context: context)
        }
    }

    private func addReturnRoute(to router: some RouterMethods<AppRequestContext>) {
        router.get("/payments/{id}/return") { request, context -> Response in
            // The outcome comes from the gateway itself, never from this redirect's query; asking reveals nothing.
            let id = try context.parameters.require("id")
            let found: StoredPayment?
            do { found = try await payments.confirm(id) } catch {
                // The gateway did not answer: the payment stays pending (the reconciler settles it); show it as it stands.
                context.logger.warning("payment \(id) not confirmed on return: \(error)")
                found = try? await payments.storedPayment(id)
            }
            guard let payment = found else { throw HTTPError(.notFound) }
            // Only the payer goes on: the browser the gateway sent back (its link carries the return token) or the
            // payment's own login. Anyone else handed this link stays here.
            let isOwner = context.identity?.user.id == payment.userID
            let isPayer = isOwner || payments.isReturnToken(request.uri.queryParameters.get("rt"), for: payment.id)
            if isPayer, let returnURL = payment.returnURL, payments.isAllowedReturn(returnURL) {
                let separator = returnURL.contains("?") ? "&" : "?"
                return .seeOther("\(returnURL)\(separator)payment_id=\(payment.id)&status=\(payment.status.rawValue)")
            }
            return .seeOther(isOwner ? "/payments/\(payment.id)" : "/login")
        }
    }

    private func card(_ payment: StoredPayment) -> String? {
        payment.cardLast4.map { CardLabel.text(brand: payment.cardBrand, last4: $0) }
    }

    private func paymentPage(_ payment: StoredPayment, identity: AuthenticatedUser, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        var values: [String: Any] = [
            "id": payment.id, "amount": payment.amount.formatted(language), "card": card(payment) ?? "",
            "succeeded": payment.status == .succeeded, "failed": payment.status == .failed, "pending": payment.status == .pending,
            "payer": identity.user.fullName,
            // The gateway's card page, while it can still take the payment.
            "cardPage": payment.status == .pending ? payment.redirectURL ?? "" : "",
        ]
        if payment.status == .failed {
            let code = payment.failureCode ?? "failed"
            let key = ["card_declined", "insufficient_funds", "expired_card", "processing_error", "authentication_failed"].contains(code)
                ? "payment.failure.\(code)" : "payment.failure.other"
            values["failure"] = pages.localizer.text(key, language)
        }
        if let (receipt, allocations) = try await payments.receipt(for: payment) {
            values["receiptNo"] = receipt.number
            values["issuedAt"] = DisplayFormat.time(receipt.issuedAt, language)
            values["allocations"] = allocations.map { ["billNo": $0.billNo, "accountId": $0.accountID, "amount": $0.amount.formatted(language)] }
            if let credit = receipt.credit {
                values["creditNotice"] = pages.localizer.text("payment.creditNotice", language,
                                                              ["credit": credit.formatted(language), "helpline": payments.branding.helpline])
            }
        }
        return try pages.page("payment", titleKey: payment.status == .succeeded ? "payment.receiptTitle" : "payment.title", request: request,
                              context: context, values: values).response(from: request, context: context)
    }

    private func message(_ request: Request, _ context: AppRequestContext, titleKey: String, textKey: String, status: HTTPResponse.Status) throws -> Response {
        try pages.page("message", titleKey: titleKey, request: request, context: context,
                       values: ["heading": pages.localizer.text(titleKey, context.language), "text": pages.localizer.text(textKey, context.language), "back": true],
                       status: status).response(from: request, context: context)
    }
}

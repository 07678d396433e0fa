import Foundation
import Hummingbird
import Logging
import SelfCareCore
import SelfCareServices

/// Paying bills by card in the browser: the pay form posts here, the browser goes to the gateway's hosted page,
/// comes back, and sees the outcome confirmed with the gateway; receipts to view, print and download.
struct PaymentPagesController {
    /// The most member bills a group bill's receipt lists on its page.
    static let allocationsListed = 20

    let pages: PageRenderer
    let payments: PaymentService
    let documents: DocumentService

    /// The way back from the gateway is open to anyone (the payer may have no page session); the rest needs a login.
    func addRoutes(public router: some RouterMethods<AppRequestContext>, signedIn: some RouterMethods<AppRequestContext>) {
        router.get("/payments/{id}/return", use: comeBack)
        signedIn.post("/payments", use: pay)
        signedIn.get("/payments/{id}", use: payment)
        signedIn.get("/payments/{id}/receipt.pdf", use: receiptPDF)
        signedIn.get("/payments", use: history)
    }

    // MARK: - Routes

    /// The pay form: starts a payment of the bills ticked and sends the browser to the gateway's card page.
    @Sendable func pay(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let form = try context.decodeForm(PaymentForm.self)
        var lines: [PaymentService.Line] = []
        for choice in form.choices {
            switch choice.amount {
            case .allRemaining: lines.append(.init(number: choice.number, amount: nil))
            case .amount(let amount): lines.append(.init(number: choice.number, amount: amount))
            case .invalid:
                let text = pages.localizer.text("error.payment.invalidAmount", context.language, ["amount": choice.typedAmount, "bill": choice.number])
                return try refusal(request, context, text: text, status: .unprocessableContent)
            }
        }
        let result: Result<PaymentView, ServiceError>
        do {
            result = try await payments.start(
                identity, lines: lines, idempotencyKey: form.idempotencyKey, returnURL: nil, language: context.language)
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
            let underWay = error.values["payment"].flatMap { $0.isEmpty ? nil : "/payments/\($0)" }
            return try refusal(request, context, text: text, underWay: underWay, status: error.kind == .conflict ? .conflict : .unprocessableContent)
        }
    }

    /// A payment as it stands; a pending one is asked about again.
    @Sendable func payment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        guard var payment = try await payments.payment(try context.parameters.require("id"), for: identity) else { throw HTTPError(.notFound) }
        // Refreshing a pending payment asks the gateway again.
        if payment.status == .pending, let confirmed = try? await payments.confirm(payment.id) { payment = confirmed }
        return try await paymentPage(payment, identity: identity, request: request, context: context)
    }

    @Sendable func receiptPDF(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        guard let document = try await documents.receipt(
            forPayment: try context.parameters.require("id"), language: context.language, for: identity)
        else { throw HTTPError(.notFound) }
        return DocumentResponse.make(document)
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.signedInIdentity()
        let language = context.language
        let rows = try await payments.history(identity).map { payment in
            PaymentHistoryRow(
                id: payment.id, date: DisplayFormat.moment(payment.createdAt, language), amount: payment.amount.formatted(language),
                status: pages.localizer.text("payment.status.\(payment.status.rawValue)", language), statusCode: payment.status.rawValue,
                card: payment.cardLabel ?? "")
        }
        return try pages.page("payments", titleKey: "payment.historyTitle", request: request, context: context,
                              model: PaymentsPage(payments: rows, hasPayments: !rows.isEmpty)).response(from: request, context: context)
    }

    /// The way back from the gateway's card page.
    @Sendable func comeBack(_ request: Request, context: AppRequestContext) async throws -> Response {
        // The outcome comes from the gateway itself, never from this redirect's query; asking reveals nothing.
        let id = try context.parameters.require("id")
        let found: PaymentView?
        do { found = try await payments.confirm(id) } catch {
            // The gateway did not answer: the payment stays pending (the reconciler settles it); show it as it stands.
            context.logger.warning("payment \(id) not confirmed on return: \(error)")
            found = try? await payments.paymentAsStored(id)
        }
        guard let payment = found else { throw HTTPError(.notFound) }
        // Only the payer goes on: the browser the gateway sent back (its link carries the return token) or the
        // payment's own login. Anyone else handed this link stays here.
        let isOwner = context.identity?.userID == payment.userID
        let isPayer = isOwner || payments.isReturnToken(request.uri.queryParameters.get("rt"), for: payment.id)
        if isPayer, let returnURL = payment.returnURL, payments.isAllowedReturn(returnURL) {
            let separator = returnURL.contains("?") ? "&" : "?"
            return .seeOther("\(returnURL)\(separator)payment_id=\(payment.id)&status=\(payment.status.rawValue)")
        }
        return .seeOther(isOwner ? "/payments/\(payment.id)" : "/login")
    }

    // MARK: - Pages

    private func paymentPage(_ payment: PaymentView, identity: AuthenticatedUser, request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        var model = PaymentPage(
            id: payment.id, amount: payment.amount.formatted(language), card: payment.cardLabel ?? "", payer: identity.fullName,
            succeeded: payment.status == .succeeded, failed: payment.status == .failed, pending: payment.status == .pending,
            // The gateway's card page, while it can still take the payment.
            cardPage: payment.status == .pending ? payment.redirectURL ?? "" : "")
        if payment.status == .failed {
            let code = payment.failureCode ?? "failed"
            let key = ["card_declined", "insufficient_funds", "expired_card", "processing_error", "authentication_failed", "canceled"]
                .contains(code)
                ? "payment.failure.\(code)" : "payment.failure.other"
            model.failure = pages.localizer.text(key, language)
        }
        if let receipt = try await payments.receipt(forPayment: payment.id) {
            model.receiptNo = receipt.number
            model.issuedAt = DisplayFormat.moment(receipt.issuedAt, language)
            model.allocations = receipt.allocations.map { AllocationRow(billNo: $0.billNo, accountId: AccountID.displayed($0.accountID), amount: $0.amount.formatted(language)) }
            model.groupBills = receipt.groupBills.map { GroupPaymentRow(number: $0.number, amount: $0.amount.formatted(language)) }
            // A group bill of many lines is paid over as many bills: the page says how many rather than listing them.
            if !receipt.groupBills.isEmpty, receipt.allocations.count > Self.allocationsListed {
                model.spreadOver = pages.localizer.text("receipt.spreadOver", language, ["count": "\(receipt.allocations.count)"])
            }
            if let credit = receipt.credit {
                model.creditNotice = pages.localizer.text("payment.creditNotice", language,
                                                          ["credit": credit.formatted(language), "helpline": payments.branding.helpline])
            }
        }
        return try pages.page("payment", titleKey: payment.status == .succeeded ? "payment.receiptTitle" : "payment.title", request: request,
                              context: context, model: model).response(from: request, context: context)
    }

    /// The pay form refused: why, and where the payment already under way is (if one is).
    private func refusal(
        _ request: Request, _ context: AppRequestContext, text: String, underWay: String? = nil, status: HTTPResponse.Status
    ) throws -> Response {
        let model = MessagePage(
            heading: pages.localizer.text("payment.refusedTitle", context.language), text: text, link: underWay,
            linkText: underWay.map { _ in pages.localizer.text("payment.seeUnderWay", context.language) }, back: true)
        return try pages.page("message", titleKey: "payment.refusedTitle", request: request, context: context, model: model, status: status)
            .response(from: request, context: context)
    }

    private func message(_ request: Request, _ context: AppRequestContext, titleKey: String, textKey: String, status: HTTPResponse.Status) throws -> Response {
        let model = MessagePage(
            heading: pages.localizer.text(titleKey, context.language), text: pages.localizer.text(textKey, context.language), back: true)
        return try pages.page("message", titleKey: titleKey, request: request, context: context, model: model, status: status)
            .response(from: request, context: context)
    }
}

import Foundation
import Hummingbird
import NIOFoundationCompat
import SelfCareCore
import SelfCareServices

/// `POST /api/v1/payment`, `GET /api/v1/payment/{id}` and its receipt (TMF676-shaped), for Bearer logins.
struct PaymentAPIController {
    let payments: PaymentService
    let documents: DocumentService
    let pages: PageRenderer

    struct Body: Decodable {
        struct Item: Decodable {
            var id: String
            var amount: Money?

            enum CodingKeys: String, CodingKey { case id, amount }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                id = try container.decode(String.self, forKey: .id)
                guard container.contains(.amount), try !container.decodeNil(forKey: .amount) else {
                    amount = nil
                    return
                }
                // "12.50" or {"value": "12.50", "unit": "MUR"}; anything else is refused rather than read as "everything".
                if let text = try? container.decode(String.self, forKey: .amount) {
                    amount = try Money(decimal: text)
                } else {
                    let money = try container.decode([String: String].self, forKey: .amount)
                    guard let value = money["value"], (money["unit"] ?? "MUR") == "MUR" else {
                        throw DecodingError.dataCorruptedError(forKey: .amount, in: container, debugDescription: "amount must be like \"12.50\"")
                    }
                    amount = try Money(decimal: value)
                }
            }
        }

        var bills: [Item]
        var returnUrl: String?
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("payment", use: createPayment)
        router.get("payment/{id}", use: payment)
        router.get("payment/{id}/receipt", use: receipt)
    }

    // MARK: - Routes

    @Sendable func createPayment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        guard let key = request.headers[.init("Idempotency-Key")!], !key.isEmpty else {
            throw APIError(status: .badRequest, code: "missing_idempotency_key", key: "missingIdempotencyKey")
        }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: Data(buffer: buffer)) } catch {
            throw APIError(status: .badRequest, code: "invalid_json", key: "paymentBody")
        }
        let result: Result<PaymentView, ServiceError>
        do {
            result = try await payments.start(identity, lines: body.bills.map { .init(number: $0.id, amount: $0.amount) },
                                              idempotencyKey: key, returnURL: body.returnUrl, language: context.language)
        } catch {
            throw APIError(status: .serviceUnavailable, code: "gateway_unavailable", key: "gatewayUnavailable")
        }
        switch result {
        case .success(let payment): return try JSONResponse.make(try await answer(payment, withReceipt: false), status: .created)
        case .failure(let error):
            let status: HTTPResponse.Status = switch error.kind {
            case .notFound: .notFound
            case .conflict: .conflict
            default: .unprocessableContent
            }
            throw APIError(status: status, code: error.code, message: pages.localizer.text(error.messageKey, context.language, error.values), field: error.field)
        }
    }

    @Sendable func payment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        guard var payment = try await payments.payment(try context.parameters.require("id"), for: identity) else { throw notFound }
        if payment.status == .pending, let confirmed = try? await payments.confirm(payment.id) { payment = confirmed }
        return try JSONResponse.make(try await answer(payment, withReceipt: true))
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let id = try context.parameters.require("id")
        guard let payment = try await payments.payment(id, for: identity), let receipt = try await payments.receipt(forPayment: payment.id)
        else { throw notFound }
        switch request.uri.queryParameters.get("format") ?? "pdf" {
        case "pdf":
            guard let document = try await documents.receipt(forPayment: id, language: context.language, for: identity) else { throw notFound }
            return DocumentResponse.make(document, attachment: false)
        case "html":
            let model = PaymentPage(
                id: payment.id, amount: payment.amount.formatted(context.language), card: payment.cardLabel ?? "",
                payer: identity.fullName, succeeded: true, failed: false, pending: false, cardPage: "",
                receiptNo: receipt.number, issuedAt: DisplayFormat.moment(receipt.issuedAt, context.language),
                allocations: receipt.allocations.map {
                    AllocationRow(billNo: $0.billNo, accountId: AccountID.displayed($0.accountID), amount: $0.amount.formatted(context.language))
                })
            return try pages.page("payment", titleKey: "payment.receiptTitle", request: request, context: context, model: model)
                .response(from: request, context: context)
        default:
            throw APIError(status: .badRequest, code: "invalid_parameter", key: "formatPDFOrHTML", field: "format")
        }
    }

    private var notFound: APIError { APIError(status: .notFound, code: "not_found", key: "paymentNotFound") }

    private func answer(_ payment: PaymentView, withReceipt: Bool) async throws -> PaymentResource {
        var answer = PaymentResource(payment)
        if withReceipt, let receipt = try await payments.receipt(forPayment: payment.id) { answer.add(receipt) }
        return answer
    }
}

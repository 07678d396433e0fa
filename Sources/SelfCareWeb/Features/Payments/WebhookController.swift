import Foundation
import Hummingbird
import NIOFoundationCompat
import SelfCareServices

/// `POST /webhooks/gateway`: the card gateway's signed events (Standard Webhooks).
struct WebhookController {
    let payments: PaymentService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("/webhooks/gateway", use: receiveGatewayEvent)
    }

    // MARK: - Routes

    @Sendable func receiveGatewayEvent(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = Data(buffer: try await request.body.collect(upTo: 256 * 1024))
        let header = { (name: String) in request.headers[.init(name)!] ?? "" }
        switch try await payments.handleWebhook(id: header("webhook-id"), timestamp: header("webhook-timestamp"),
                                                signature: header("webhook-signature"), body: body) {
        case .processed, .duplicate: return Response(status: .noContent)
        case .rejected: return try JSONResponse.error(.badRequest, code: "invalid_signature", message: "The webhook signature or timestamp is not valid.")
        }
    }
}

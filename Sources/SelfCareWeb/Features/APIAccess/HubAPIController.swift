import Foundation
import Hummingbird
import SelfCareCore
import SelfCareServices

/// Event subscriptions in the API (CONTRACT §9 `hub`, after the TMF hub pattern): subscribe a callback to event types
/// (the signing secret shown once), list, end, and see each delivery with its status.
struct HubAPIController {
    let hub: HubService
    let localizer: Localizer

    struct SubscribeBody: Decodable {
        var callback: String
        var query: String?
    }

    /// A subscription as listed: never the secret.
    struct Listed: Encodable {
        var id: String
        var href: String
        var callback: String
        var query: String
        var createdAt: String

        init(_ subscription: SubscriptionView) {
            id = subscription.id
            href = "/api/v1/hub/\(subscription.id)"
            callback = subscription.callback
            query = "eventType=" + subscription.eventTypes.joined(separator: ",")
            createdAt = Timestamp.format(subscription.createdAt)
        }
    }

    /// A subscription just made: the secret its calls are signed with, this once.
    struct Created: Encodable {
        var id: String
        var href: String
        var callback: String
        var query: String
        var createdAt: String
        var secret: String
    }

    /// One event sent, or still to send, to a subscription.
    struct Delivery: Encodable {
        var id: String
        var eventId: String
        var eventType: String
        var status: String
        var attempts: Int64
        var lastStatusCode: Int64?
        var lastError: String?
        var createdAt: String
        var deliveredAt: String?

        init(_ delivery: DeliveryView) {
            id = String(delivery.id)
            eventId = delivery.eventID
            eventType = delivery.eventType
            status = delivery.status
            attempts = delivery.attempts
            lastStatusCode = delivery.lastStatusCode
            lastError = delivery.lastError
            createdAt = Timestamp.format(delivery.createdAt)
            deliveredAt = delivery.deliveredAt.map(Timestamp.format)
        }
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("hub", use: subscribe)
        router.get("hub", use: list)
        router.delete("hub/{id}", use: unsubscribe)
        router.get("hub/{id}/deliveries", use: deliveries)
    }

    @Sendable func subscribe(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        let body = try await APIRequestBody.decode(SubscribeBody.self, request)
        do {
            let created = try await hub.subscribe(callback: body.callback, query: body.query, for: identity)
            let listed = Listed(created.subscription)
            var response = try JSONResponse.make(
                Created(id: listed.id, href: listed.href, callback: listed.callback, query: listed.query, createdAt: listed.createdAt,
                        secret: created.secret),
                status: .created)
            response.headers[.location] = listed.href
            return response
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        return try JSONResponse.make(try await hub.subscriptions(for: identity).map(Listed.init))
    }

    @Sendable func unsubscribe(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        do {
            try await hub.unsubscribe(id: try context.parameters.require("id"), for: identity)
            return Response(status: .noContent)
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        }
    }

    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.apiIdentity()
        do {
            return try JSONResponse.make(try await hub.deliveries(of: try context.parameters.require("id"), for: identity).map(Delivery.init))
        } catch let error as ServiceError {
            throw APIError(error, localizer: localizer, language: context.language)
        }
    }
}

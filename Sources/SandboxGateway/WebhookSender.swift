import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SelfCarePayments
import ServiceLifecycle

/// Posts the gateway's events to the merchant, signed per Standard Webhooks, until answered 2xx (back-off up to 10 minutes).
struct WebhookSender: Service {
    let gateway: SandboxGateway

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent = (try? await deliverDue()) ?? 0
                if sent == 0 { try? await Task.sleep(for: .milliseconds(200)) }
            }
        }
    }

    /// Delivers what is due; returns how many events were tried.
    @discardableResult
    func deliverDue() async throws -> Int {
        let now = gateway.clock.now()
        let events = try await gateway.database.read { db in try await GatewayRepository().dueEvents(now: now, limit: 20, on: db) }
        for event in events {
            let delivered = await post(id: event.id, body: Data(event.body.utf8))
            try await gateway.database.transaction { db in
                if delivered {
                    try await GatewayRepository().markDelivered(event.id, now: gateway.clock.now(), on: db)
                } else {
                    let delay = min(pow(2, Double(event.attempts)), 600)
                    try await GatewayRepository().retryLater(event.id, at: gateway.clock.now().addingTimeInterval(delay), on: db)
                }
            }
        }
        return events.count
    }

    private func post(id: String, body: Data) async -> Bool {
        guard let url = URL(string: gateway.configuration.webhookURL) else { return false }
        let timestamp = Int64(gateway.clock.now().timeIntervalSince1970)
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(id, forHTTPHeaderField: "webhook-id")
        request.setValue(String(timestamp), forHTTPHeaderField: "webhook-timestamp")
        request.setValue(WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: gateway.configuration.webhookSecret),
                         forHTTPHeaderField: "webhook-signature")
        guard let (_, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return false }
        return (200..<300).contains(http.statusCode)
    }
}

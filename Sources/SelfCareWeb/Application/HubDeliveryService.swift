import Logging
import SelfCareServices
import ServiceLifecycle

/// Sends queued events to their subscriptions every second, beside the server, until graceful shutdown.
struct HubDeliveryService: Service {
    let worker: HubDeliveryWorker
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await worker.deliverDue()
                } catch {
                    logger.error("event delivery failed: \(error)")
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

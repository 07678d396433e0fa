import ServiceLifecycle

/// Sends queued events to their subscriptions beside the server, looking for new ones every second, until graceful
/// shutdown.
struct HubDeliveryService: Service {
    let worker: HubDeliveryWorker

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await worker.run(every: .seconds(1))
        }
    }
}

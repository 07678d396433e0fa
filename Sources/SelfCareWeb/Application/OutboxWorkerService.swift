import ServiceLifecycle
import SelfCareMessaging

/// Runs the outbox worker beside the server until graceful shutdown.
struct OutboxWorkerService: Service {
    let worker: OutboxWorker

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await worker.run(interval: .milliseconds(250))
        }
    }
}

import SelfCareMessaging
import ServiceLifecycle

/// Runs the outbox worker beside the server until graceful shutdown.
struct OutboxWorkerService: Service {
    let worker: OutboxWorker

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await worker.run(interval: .milliseconds(250))
        }
    }
}

/// Keeps the SMSC link bound beside the server, so delivery receipts arrive between sends; unbinds at shutdown.
struct SMPPLinkService: Service {
    let client: SMPPClient

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await client.maintainLink()
        }
    }
}

import ServiceLifecycle

/// Every minute, asks the gateway about payments pending for more than three minutes and settles them either way,
/// so a browser that never came back or a lost webhook leaves nothing hanging, even across restarts.
struct PaymentReconcilerService: Service {
    let payments: PaymentService

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await payments.reconcile(olderThan: 180)
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }
}

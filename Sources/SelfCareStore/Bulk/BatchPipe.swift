import Foundation

/// Hands batches from a producing thread to a consuming one, holding at most `capacity` at a time: parsing a file and
/// writing it run side by side on the two cores, with flat memory.
final class BatchPipe<Batch: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var finished = false
    private var failure: (any Error)?
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// A pipe fed by `produce` on a thread of its own, closed when `produce` returns or throws (its error is then what
    /// `receive` rethrows). `produce` stops early when `send` returns false.
    static func fed(capacity: Int, by produce: @escaping @Sendable (BatchPipe<Batch>) throws -> Void) -> BatchPipe<Batch> {
        let pipe = BatchPipe<Batch>(capacity: capacity)
        Thread {
            do {
                try produce(pipe)
                pipe.close()
            } catch {
                pipe.close(error)
            }
        }.start()
        return pipe
    }

    /// Waits for room, then hands over a batch. Returns false when the consumer stopped.
    @discardableResult
    func send(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !finished { condition.wait() }
        guard !finished else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// The producer is done, successfully or with `error`.
    func close(_ error: (any Error)? = nil) {
        condition.lock()
        failure = failure ?? error
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil once the producer closed the pipe and every batch was taken; rethrows its error.
    func receive() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if let failure { throw failure }
        guard !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }
}

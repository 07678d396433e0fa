import NIOConcurrencyHelpers
import NIOCore

/// Why an SMPP request got no answer.
package enum SMPPLinkError: Error, CustomStringConvertible {
    case closed
    case timedOut(SMPPCommand)
    case bindRefused(SMPPStatus)
    /// A bind was refused a moment ago; not tried again yet.
    case bindPaused
    case shutDown

    package var description: String {
        switch self {
        case .bindPaused: "the SMSC refused the last bind; not binding again yet"
        case .shutDown: "the SMPP client is shut down"
        case .closed: "the SMPP link is closed"
        case .timedOut(let command): "the SMSC did not answer command \(command) in time"
        case .bindRefused(let status): "the SMSC refused the bind: \(status)"
        }
    }
}

/// One TCP link to the SMSC: numbers requests, matches responses by sequence number, keeps at most `window`
/// requests outstanding, answers the SMSC's own requests (`enquire_link`, `deliver_sm`, `unbind`).
actor SMPPSession {
    nonisolated let channel: any Channel
    private let window: Int
    private let responseTimeout: Duration
    private let onDeliver: @Sendable (DeliverSM) async -> Bool
    private var pending: [UInt32: (command: SMPPCommand, continuation: CheckedContinuation<SMPPPDU, any Error>, timer: Scheduled<Void>)] = [:]
    private var lastSequence: UInt32 = 0
    private var slotWaiters: [CheckedContinuation<Void, Never>] = []
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private let open = NIOLockedValueBox(true)

    /// Whether the link is still up.
    nonisolated var isOpen: Bool { open.withLockedValue { $0 } }

    init(channel: any Channel, window: Int, responseTimeout: Duration, onDeliver: @escaping @Sendable (DeliverSM) async -> Bool) {
        self.channel = channel
        self.window = max(1, window)
        self.responseTimeout = responseTimeout
        self.onDeliver = onDeliver
    }

    /// Sends a request and waits for its response (whatever its status).
    func request(_ command: SMPPCommand, body: ByteBuffer = ByteBuffer()) async throws -> SMPPPDU {
        while isOpen, pending.count >= window {
            await withCheckedContinuation { slotWaiters.append($0) }
        }
        guard isOpen else { throw SMPPLinkError.closed }
        lastSequence = lastSequence >= 0x7FFF_FFFF ? 1 : lastSequence + 1
        let sequence = lastSequence
        let pdu = SMPPPDU(command: command, sequence: sequence, body: body)
        return try await withCheckedThrowingContinuation { continuation in
            // A timer on the event loop, cheaper than a task per request.
            let timer = channel.eventLoop.scheduleTask(in: .milliseconds(responseTimeout.milliseconds)) { [weak self] in
                _ = Task { await self?.timedOut(sequence, command: command) }
            }
            pending[sequence] = (command, continuation, timer)
            channel.writeAndFlush(pdu).whenFailure { [weak self] error in
                Task { await self?.resolve(sequence, with: .failure(error)) }
            }
        }
    }

    /// Reads what the SMSC sends until the link closes.
    func serve(_ inbound: AsyncThrowingStream<SMPPPDU, any Error>) async {
        do {
            for try await pdu in inbound {
                received(pdu)
            }
        } catch {}
        closed()
    }

    /// Waits until the link is down.
    func waitUntilClosed() async {
        guard isOpen else { return }
        await withCheckedContinuation { closeWaiters.append($0) }
    }

    /// Says goodbye politely, then closes.
    func unbind() async {
        _ = try? await request(.unbind)
        close()
    }

    /// Drops the link now; outstanding requests fail.
    func close() {
        channel.close(promise: nil)
        closed()
    }

    private func received(_ pdu: SMPPPDU) {
        if pdu.command.isResponse {
            // The answer must be to the request of that number (or a generic_nack of it).
            guard let request = pending[pdu.sequence]?.command, pdu.command == request.response || pdu.command == .genericNack else {
                resolve(pdu.sequence, with: .failure(SMPPDecodingError.malformed("response \(pdu.command) does not answer its request")))
                // A peer that mixes up its answers cannot be trusted with the rest: start over on a new link.
                close()
                return
            }
            resolve(pdu.sequence, with: .success(pdu))
            return
        }
        switch pdu.command {
        case .enquireLink:
            channel.writeAndFlush(pdu.response(), promise: nil)
        case .unbind:
            channel.writeAndFlush(pdu.response(), promise: nil)
            close()
        case .deliverSM:
            let deliver = try? DeliverSM(body: pdu.body)
            let onDeliver = onDeliver
            let channel = channel
            Task {
                // Acknowledged only once stored: an SMSC that gets an error sends the receipt again later.
                let stored = if let deliver { await onDeliver(deliver) } else { true }
                var body = ByteBuffer()
                body.writeCOctetString("")
                channel.writeAndFlush(pdu.response(status: stored ? .ok : SMPPStatus(rawValue: 0x64), body: body), promise: nil)
            }
        default:
            channel.writeAndFlush(
                SMPPPDU(command: .genericNack, status: .invalidCommandID, sequence: pdu.sequence), promise: nil)
        }
    }

    private func resolve(_ sequence: UInt32, with result: Result<SMPPPDU, any Error>) {
        guard let entry = pending.removeValue(forKey: sequence) else { return }
        entry.timer.cancel()
        entry.continuation.resume(with: result)
        if !slotWaiters.isEmpty { slotWaiters.removeFirst().resume() }
    }

    private func timedOut(_ sequence: UInt32, command: SMPPCommand) {
        guard pending[sequence] != nil else { return }
        resolve(sequence, with: .failure(SMPPLinkError.timedOut(command)))
        // A silent SMSC means a broken link: start over with a new one.
        close()
    }

    private func closed() {
        open.withLockedValue { $0 = false }
        for sequence in Array(pending.keys) {
            resolve(sequence, with: .failure(SMPPLinkError.closed))
        }
        for waiter in slotWaiters { waiter.resume() }
        slotWaiters = []
        for waiter in closeWaiters { waiter.resume() }
        closeWaiters = []
    }
}

import Logging
import NIOCore
import NIOPosix
import SelfCareCore

/// Where a delivery receipt goes once read off the link.
package protocol DeliveryReceiptRecorder: Sendable {
    func record(_ receipt: DeliveryReceipt) async throws
}

/// Sends SMS to the operator's SMSC as an SMPP 3.4 ESME: binds on first use and again after a dropped link,
/// keeps the link alive with `enquire_link`, backs off on `ESME_RTHROTTLED` / `ESME_RMSGQFUL`, and, bound as a
/// transceiver, hands delivery receipts to the recorder.
package actor SMPPClient: MessageSender {
    package struct Configuration: Sendable {
        package var host: String
        package var port: Int
        package var systemID: String
        package var password: String
        package var sourceAddress: String
        package var bindMode: SMPPBindMode = .transceiver
        /// Requests outstanding at once on the link.
        package var window = 10
        package var enquireLinkInterval: Duration = .seconds(30)
        package var responseTimeout: Duration = .seconds(10)
        package var connectTimeout: Duration = .seconds(5)
        /// Tries of one part while the SMSC says it is throttling or its queue is full.
        package var throttledTries = 8
        /// First wait after a throttled answer; doubles with each further one.
        package var throttleBackoff: Duration = .milliseconds(200)
        /// Links opened for one part before its message is left for a later try.
        package var linkTries = 3
        /// How long binding is not tried again after the SMSC refused a bind (many lock an account that keeps trying).
        package var refusedBindPause: Duration = .seconds(30)
        /// A vendor-specific optional parameter (0x1400–0x3FFF) that carries each message's id, for an SMSC agreed to
        /// read it (to drop a resubmitted duplicate); none by default, since an SMSC may refuse unknown parameters.
        package var referenceTag: UInt16?

        package init(host: String, port: Int, systemID: String, password: String, sourceAddress: String) {
            self.host = host
            self.port = port
            self.systemID = systemID
            self.password = password
            self.sourceAddress = sourceAddress
        }
    }

    private let configuration: Configuration
    private let receipts: (any DeliveryReceiptRecorder)?
    private let sleep: @Sendable (Duration) async throws -> Void
    private let logger: Logger
    private let group: any EventLoopGroup
    private var session: SMPPSession?
    private var binding: Task<SMPPSession, any Error>?
    /// When binding may be tried again after the SMSC refused one.
    private var bindingPausedUntil: ContinuousClock.Instant?
    private var isShutDown = false

    package init(
        configuration: Configuration, receipts: (any DeliveryReceiptRecorder)?, logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.configuration = configuration
        self.receipts = receipts
        self.logger = logger
        self.sleep = sleep
        group = MultiThreadedEventLoopGroup.singleton
    }

    /// Submits every part of the message; returns the SMSC's ids of the parts, separated by spaces.
    package func send(_ message: OutgoingMessage) async throws -> String? {
        let parts: [ShortMessagePart]
        do {
            parts = try ShortMessageSplitter.split(message.body, reference: Self.reference(for: message.messageID))
        } catch {
            throw DeliveryError.permanent("\(error)")
        }
        var ids: [String] = []
        for part in parts {
            let body = SMPPOperations.submitBody(
                source: configuration.sourceAddress, destination: message.recipient, part: part,
                receipt: configuration.bindMode == .transceiver && receipts != nil,
                reference: configuration.referenceTag.map { SMPPOptionalParameter(tag: $0, value: Array(message.messageID.utf8) + [0]) })
            ids.append(try await submit(body))
        }
        return ids.joined(separator: " ")
    }

    /// Keeps a bound link open (so receipts arrive while nothing is sent) until cancelled, re-binding after a drop.
    package func maintainLink() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let session = try await boundSession()
                failures = 0
                await withTaskCancellationHandler {
                    await session.waitUntilClosed()
                } onCancel: {
                    Task { await session.unbind() }
                }
                try? await sleep(.seconds(1))
            } catch {
                failures += 1
                logger.warning("SMPP link to \(configuration.host):\(configuration.port) is down: \(error)")
                try? await sleep(Self.backoff(base: .seconds(1), attempt: failures, cap: .seconds(60)))
            }
        }
        await shutdown()
    }

    /// Unbinds and closes the link; no new link is opened afterwards.
    package func shutdown() async {
        isShutDown = true
        await session?.unbind()
        session = nil
    }

    private func submit(_ body: ByteBuffer) async throws -> String {
        var throttled = 0
        var links = 0
        while true {
            let session: SMPPSession
            let response: SMPPPDU
            do {
                session = try await boundSession()
                response = try await session.request(.submitSM, body: body)
            } catch SMPPLinkError.bindRefused(let status) {
                throw DeliveryError.temporary("the SMSC refused the bind: \(status)")
            } catch SMPPLinkError.bindPaused {
                throw DeliveryError.temporary("the SMSC refused the last bind; binding again later")
            } catch SMPPLinkError.shutDown {
                throw DeliveryError.temporary("the SMPP client is shutting down")
            } catch {
                links += 1
                if links >= configuration.linkTries {
                    throw DeliveryError.temporary("SMSC unreachable: \(error)")
                }
                logger.notice("SMPP link lost (\(error)); binding again")
                continue
            }
            switch response.status {
            case .ok:
                do {
                    return try SMPPOperations.messageID(fromSubmitResponse: response.body)
                } catch {
                    throw DeliveryError.temporary("\(error)")
                }
            case .throttled, .messageQueueFull:
                throttled += 1
                if throttled >= configuration.throttledTries {
                    throw DeliveryError.temporary("the SMSC answered \(response.status) \(throttled) times")
                }
                try await sleep(Self.backoff(base: configuration.throttleBackoff, attempt: throttled, cap: .seconds(10)))
            case .invalidBindStatus:
                // The SMSC no longer counts the link as bound: start over on a new one.
                await session.close()
                links += 1
                if links >= configuration.linkTries { throw DeliveryError.temporary("the SMSC answered \(response.status)") }
            case let status where status.isTransient:
                throw DeliveryError.temporary("the SMSC answered \(status)")
            default:
                throw DeliveryError.permanent("the SMSC refused the message: \(response.status)")
            }
        }
    }

    /// The current bound session, or a new one (one bind at a time however many callers wait).
    private func boundSession() async throws -> SMPPSession {
        if let session, session.isOpen { return session }
        guard !isShutDown else { throw SMPPLinkError.shutDown }
        if let binding { return try await binding.value }
        if let pause = bindingPausedUntil, ContinuousClock.now < pause { throw SMPPLinkError.bindPaused }
        let task = Task { try await bind() }
        binding = task
        defer { binding = nil }
        do {
            let session = try await task.value
            guard !isShutDown else {
                await session.unbind()
                throw SMPPLinkError.shutDown
            }
            self.session = session
            bindingPausedUntil = nil
            return session
        } catch SMPPLinkError.bindRefused(let status) {
            bindingPausedUntil = ContinuousClock.now + configuration.refusedBindPause
            throw SMPPLinkError.bindRefused(status)
        }
    }

    private func bind() async throws -> SMPPSession {
        let (inbound, continuation) = AsyncThrowingStream<SMPPPDU, any Error>.makeStream()
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(configuration.connectTimeout.milliseconds))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(SMPPFrameDecoder()),
                        MessageToByteHandler(SMPPFrameEncoder()),
                        InboundStreamBridge<SMPPPDU>(continuation: continuation),
                    ])
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        let receipts = receipts
        let logger = logger
        let session = SMPPSession(
            channel: channel, window: configuration.window, responseTimeout: configuration.responseTimeout,
            onDeliver: { deliver in
                guard let receipt = DeliveryReceipt(deliver) else { return true }
                guard let receipts else { return true }
                do {
                    try await receipts.record(receipt)
                    return true
                } catch {
                    logger.error("delivery receipt \(receipt.messageID) not stored: \(error)")
                    return false
                }
            })
        Task { await session.serve(inbound) }
        let response: SMPPPDU
        do {
            response = try await session.request(
                configuration.bindMode.command,
                body: SMPPOperations.bindBody(systemID: configuration.systemID, password: configuration.password))
        } catch {
            await session.close()
            throw error
        }
        guard response.status == .ok else {
            await session.close()
            throw SMPPLinkError.bindRefused(response.status)
        }
        logger.info("SMPP bound as \(configuration.bindMode.rawValue) to \(configuration.host):\(configuration.port)")
        Task { [interval = configuration.enquireLinkInterval] in
            while session.isOpen {
                guard (try? await Task.sleep(for: interval)) != nil, session.isOpen else { return }
                if (try? await session.request(.enquireLink)) == nil { await session.close() }
            }
        }
        return session
    }

    /// The concatenation reference of a message, derived from its id: every try of a message sends the same headers.
    static func reference(for messageID: String) -> UInt8 {
        UInt8(truncatingIfNeeded: messageID.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 })
    }

    static func backoff(base: Duration, attempt: Int, cap: Duration) -> Duration {
        let exponential = base * (1 << min(attempt - 1, 16))
        let capped = min(exponential, cap)
        return capped + capped * Double.random(in: 0...0.25)
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A reply of the relay: its three-digit code and its lines of text.
struct SMTPReply: Sendable, CustomStringConvertible {
    var code: Int
    var lines: [String]

    var isPositive: Bool { (200..<400).contains(code) }
    var isTransient: Bool { (400..<500).contains(code) }
    var description: String { "\(code) \(lines.joined(separator: " / "))" }
}

/// Why talking to the relay failed: a reply that was not the one expected, or a broken connection.
enum SMTPError: Error, CustomStringConvertible {
    case unexpectedReply(command: String, reply: SMTPReply)
    case connectionClosed
    case malformedReply(String)
    case startTLSUnavailable
    case passwordInClear
    case textBeforeTLS
    case deadlinePassed

    var description: String {
        switch self {
        case .unexpectedReply(let command, let reply): "\(command) answered \(reply)"
        case .connectionClosed: "the relay closed the connection"
        case .malformedReply(let line): "the relay answered something that is not SMTP: \(line.prefix(80))"
        case .startTLSUnavailable: "the relay does not offer STARTTLS, which SMTP_STARTTLS requires"
        case .passwordInClear: "the relay does not offer STARTTLS: the relay password is not sent in clear to a relay off this machine"
        case .textBeforeTLS: "the relay sent more text after agreeing to STARTTLS (possible injection); nothing sent"
        case .deadlinePassed: "the relay took too long; the connection was closed"
        }
    }
}

/// One SMTP conversation over TCP, upgraded to TLS by STARTTLS: sends command lines, reads multi-line replies.
/// Each reply has a time limit and the whole conversation a deadline, after which the connection is closed (so a
/// stalled relay or TLS handshake cannot hold a message for ever). Used by a single task from open to close.
final class SMTPConnection {
    private let channel: any Channel
    private var lines: AsyncThrowingStream<String, any Error>.AsyncIterator
    private var linesTaken = 0
    private let reading: SMTPReadState
    private let timeout: TimeAmount
    private let deadline: Scheduled<Void>
    private let deadlinePassed: NIOLockedValueBox<Bool>

    private init(channel: any Channel, lines: AsyncThrowingStream<String, any Error>, reading: SMTPReadState, timeout: TimeAmount,
                 overall: TimeAmount) {
        self.channel = channel
        self.lines = lines.makeAsyncIterator()
        self.reading = reading
        self.timeout = timeout
        let passed = NIOLockedValueBox(false)
        deadlinePassed = passed
        deadline = channel.eventLoop.scheduleTask(in: overall) {
            passed.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
    }

    deinit {
        deadline.cancel()
    }

    static func open(host: String, port: Int, timeout: TimeAmount, overall: TimeAmount) async throws -> SMTPConnection {
        let (lines, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let reading = SMTPReadState()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(SMTPLineDecoder(reading: reading)),
                        InboundStreamBridge<String>(continuation: continuation),
                    ])
                }
            }
            .connect(host: host, port: port).get()
        return SMTPConnection(channel: channel, lines: lines, reading: reading, timeout: timeout, overall: overall)
    }

    /// Reads one reply, however many lines it has.
    func readReply() async throws -> SMTPReply {
        let channel = channel
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        var texts: [String] = []
        while true {
            guard let line = try await lines.next() else {
                throw deadlinePassed.withLockedValue { $0 } ? SMTPError.deadlinePassed : SMTPError.connectionClosed
            }
            linesTaken += 1
            guard line.count >= 3, line.prefix(3).allSatisfy({ ("0"..."9").contains($0) }), let code = Int(line.prefix(3)) else {
                throw SMTPError.malformedReply(line)
            }
            let separator = line.dropFirst(3).first
            texts.append(String(line.dropFirst(4)))
            if separator != "-" { return SMTPReply(code: code, lines: texts) }
        }
    }

    /// Sends one command line and reads its reply.
    func command(_ line: String) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await readReply()
    }

    /// Sends one command and fails unless the reply has one of `codes`.
    @discardableResult
    func command(_ line: String, expecting codes: Set<Int>, name: String? = nil) async throws -> SMTPReply {
        let reply = try await command(line)
        guard codes.contains(reply.code) else {
            throw SMTPError.unexpectedReply(command: name ?? String(line.prefix { $0 != " " }), reply: reply)
        }
        return reply
    }

    func write(_ text: String) async throws {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        do {
            try await channel.writeAndFlush(buffer).get()
        } catch where deadlinePassed.withLockedValue({ $0 }) {
            throw SMTPError.deadlinePassed
        }
    }

    /// Puts TLS under the conversation (after the relay's 220 to STARTTLS). Anything the relay sent after that 220
    /// in clear text would be read as if it came over TLS: it is refused instead.
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws {
        let (channel, reading, taken) = (channel, reading, linesTaken)
        try await channel.eventLoop.submit {
            guard reading.bufferedBytes.withLockedValue({ $0 }) == 0, reading.linesRead.withLockedValue({ $0 }) == taken else {
                throw SMTPError.textBeforeTLS
            }
            let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    func close() async {
        try? await channel.close().get()
    }
}

/// What the line decoder has read, for the STARTTLS check: lines handed on, and bytes waiting for a line end.
final class SMTPReadState: Sendable {
    let linesRead = NIOLockedValueBox(0)
    let bufferedBytes = NIOLockedValueBox(0)
}

/// Splits the relay's byte stream into lines without their CRLF.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maximumLineLength = 4096

    var reading = SMTPReadState()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            reading.bufferedBytes.withLockedValue { $0 = buffer.readableBytes }
            if buffer.readableBytes > Self.maximumLineLength { throw SMTPError.malformedReply("a line longer than 4096 octets") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        reading.linesRead.withLockedValue { $0 += 1 }
        reading.bufferedBytes.withLockedValue { $0 = buffer.readableBytes }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

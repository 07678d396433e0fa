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

    var description: String {
        switch self {
        case .unexpectedReply(let command, let reply): "\(command) answered \(reply)"
        case .connectionClosed: "the relay closed the connection"
        case .malformedReply(let line): "the relay answered something that is not SMTP: \(line.prefix(80))"
        case .startTLSUnavailable: "the relay does not offer STARTTLS, which SMTP_STARTTLS requires"
        }
    }
}

/// One SMTP conversation over TCP, upgraded to TLS by STARTTLS: sends command lines, reads multi-line replies.
/// Used by a single task from open to close.
final class SMTPConnection {
    private let channel: any Channel
    private var lines: AsyncThrowingStream<String, any Error>.AsyncIterator
    private let timeout: TimeAmount

    private init(channel: any Channel, lines: AsyncThrowingStream<String, any Error>, timeout: TimeAmount) {
        self.channel = channel
        self.lines = lines.makeAsyncIterator()
        self.timeout = timeout
    }

    static func open(host: String, port: Int, timeout: TimeAmount) async throws -> SMTPConnection {
        let (lines, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(SMTPLineDecoder()),
                        InboundStreamBridge<String>(continuation: continuation),
                    ])
                }
            }
            .connect(host: host, port: port).get()
        return SMTPConnection(channel: channel, lines: lines, timeout: timeout)
    }

    /// Reads one reply, however many lines it has.
    func readReply() async throws -> SMTPReply {
        let channel = channel
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        var texts: [String] = []
        while true {
            guard let line = try await lines.next() else { throw SMTPError.connectionClosed }
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError.malformedReply(line) }
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
        try await channel.writeAndFlush(buffer).get()
    }

    /// Puts TLS under the conversation (after the relay's 220 to STARTTLS).
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws {
        let channel = channel
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    func close() async {
        try? await channel.close().get()
    }
}

/// Splits the relay's byte stream into lines without their CRLF.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maximumLineLength = 4096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw SMTPError.malformedReply("a line longer than 4096 octets") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

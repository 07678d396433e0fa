import NIOCore
import NIOEmbedded
import Testing
@testable import SelfCareMessaging

@Suite("SMTP line decoder")
struct SMTPLineDecoderTests {
    private func lines(after chunks: [[UInt8]], in channel: EmbeddedChannel) throws -> [String] {
        var lines: [String] = []
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
            while let line = try channel.readInbound(as: String.self) {
                lines.append(line)
            }
        }
        return lines
    }

    @Test("lines cut across chunks come out whole, without their CRLF")
    func linesAcrossChunks() throws {
        // given
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder()))
        let chunks = ["250-relay.exa", "mple.mu\r", "\n250-PIPELINING\r\n250 STA", "RTTLS\r\n"].map { Array($0.utf8) }

        // when
        let lines = try lines(after: chunks, in: channel)

        // then
        #expect(lines == ["250-relay.example.mu", "250-PIPELINING", "250 STARTTLS"])
        #expect(try channel.finish().isClean)
    }

    @Test("a bare LF also ends a line and an empty line is kept")
    func bareLineFeed() throws {
        // given
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder()))

        // when
        let lines = try lines(after: [Array("220 ready\n\r\n354 go ahead\n".utf8)], in: channel)

        // then
        #expect(lines == ["220 ready", "", "354 go ahead"])
    }

    @Test("a UTF-8 character cut between two chunks is decoded whole")
    func utf8AcrossChunks() throws {
        // given "à" is C3 A0
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder()))
        let bytes = Array("250 Bienvenue à bord\r\n".utf8)
        let cut = bytes.firstIndex(of: 0xC3)! + 1

        // when
        let lines = try lines(after: [Array(bytes[..<cut]), Array(bytes[cut...])], in: channel)

        // then
        #expect(lines == ["250 Bienvenue à bord"])
    }

    @Test("an unfinished line waits for more data up to 4096 octets")
    func partialLineWaits() throws {
        // given
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder()))

        // when
        let lines = try lines(after: [Array(repeating: UInt8(ascii: "x"), count: 4096)], in: channel)
        let completed = try self.lines(after: [Array("\r\n".utf8)], in: channel)

        // then
        #expect(lines.isEmpty)
        #expect(completed == [String(repeating: "x", count: 4096)])
    }

    @Test("a line longer than 4096 octets without an end is refused")
    func overlongLine() {
        // given
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder()))
        let flood = ByteBuffer(bytes: Array(repeating: UInt8(ascii: "x"), count: 4097))

        // when / then
        let error = #expect(throws: SMTPError.self) { try channel.writeInbound(flood) }
        _ = try? channel.finish()
        guard case .malformedReply = error else {
            Issue.record("expected a malformed reply, got \(String(describing: error))")
            return
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HummingbirdTesting
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// A client that connects and then says nothing is cut off after the idle timeout, so slow clients cannot hold
/// connections open.
@Suite("HTTP idle timeout")
struct IdleTimeoutTests {
    @Test("a silent connection is closed by the server after HTTP_IDLE_TIMEOUT")
    func silentConnectionClosed() async throws {
        try await WebTest.withPortal(framework: .live, configure: { $0.idleTimeout = 1 }) { portal in
            // given a connection that sends nothing
            let port = try #require(portal.client.port)

            // when it waits for the server (at most 20 s, a guard, not the measure)
            let outcome = await Task.detached { Self.readUntilClosed(port: port, patience: 20) }.value

            // then the server ended it
            #expect(outcome == .closedByServer)
        }
    }

    enum Outcome: Equatable {
        case closedByServer
        case stillOpen
        case failed(Int32)
    }

    /// Connects to 127.0.0.1:`port`, sends nothing, and reads until the server closes the connection or `patience` runs out.
    static func readUntilClosed(port: Int, patience: Int) -> Outcome {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return .failed(errno) }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: patience, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return .failed(errno) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let read = recv(descriptor, &buffer, buffer.count, 0)
        if read == 0 { return .closedByServer }
        return read < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? .stillOpen : .failed(errno)
    }
}

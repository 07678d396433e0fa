import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SelfCareCore

/// Callback calls over HTTP/1.1, each on a connection of its own to the address the caller checked: the name is never
/// resolved again here, so a DNS answer that changes between the check and the call cannot redirect it. Redirects
/// are not followed (the status is the answer); the whole call has one deadline.
package struct PinnedCallbackClient: CallbackPosting {
    private let tls: NIOSSLContext?

    /// A client trusting the system's certificate authorities. A call given up closes its connection at once: the
    /// receiver's answer to TLS's close is not waited for (5 s by default), so a stalled receiver holds a lane no
    /// longer than the call's deadline.
    package init() {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.shutdownTimeout = .milliseconds(200)
        tls = try? NIOSSLContext(configuration: configuration)
    }

    package func post(_ call: CallbackCall) async -> CallbackOutcome {
        guard let host = call.url.host, let scheme = call.url.scheme?.lowercased() else { return .network }
        let secure = scheme == "https"
        let port = call.url.port ?? (secure ? 443 : 80)
        guard let address = try? SocketAddress(ipAddress: call.address, port: port) else { return .network }
        if secure && tls == nil { return .tls }
        do {
            return try await withDeadline(call.timeout) {
                try await exchange(call, host: host, port: port, address: address, secure: secure)
            } ?? .timeout
        } catch {
            return Self.outcome(of: error)
        }
    }

    private func exchange(_ call: CallbackCall, host: String, port: Int, address: SocketAddress, secure: Bool) async throws -> CallbackOutcome {
        let tls = secure ? self.tls : nil
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(call.timeout))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: Self.isIPLiteral(host) ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withTaskCancellationHandler {
            try await connection.executeThenClose { inbound, outbound in
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: Self.isDefault(port: port, secure: secure) ? Self.hostField(host) : "\(Self.hostField(host)):\(port)")
                for header in call.headers { headers.add(name: header.name, value: header.value) }
                headers.add(name: "Content-Length", value: String(call.body.count))
                headers.add(name: "Connection", value: "close")
                let target = Self.requestTarget(call.url)
                try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: target, headers: headers)))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: call.body))))
                try await outbound.write(.end(nil))
                for try await part in inbound {
                    if case .head(let head) = part { return .answered(Int(head.status.code)) }
                }
                return .network
            }
        } onCancel: {
            connection.channel.close(promise: nil)
        }
    }

    /// Path and query as sent on the request line.
    static func requestTarget(_ url: URL) -> String {
        let path = url.path(percentEncoded: true)
        let query = url.query(percentEncoded: true).map { "?" + $0 } ?? ""
        return (path.isEmpty ? "/" : path) + query
    }

    private static func isDefault(port: Int, secure: Bool) -> Bool {
        port == (secure ? 443 : 80)
    }

    private static func hostField(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    private static func isIPLiteral(_ host: String) -> Bool {
        ClientNetwork.bytes(of: host) != nil
    }

    /// The category of a failure, from the error's type and code alone.
    static func outcome(of error: any Error) -> CallbackOutcome {
        if error is NIOSSLError || error is BoringSSLError { return .tls }
        if error is ChannelError, case .connectTimeout = error as? ChannelError { return .timeout }
        if let connect = error as? NIOConnectionError {
            return connect.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED } ? .refused : .network
        }
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return .refused }
        return .network
    }
}

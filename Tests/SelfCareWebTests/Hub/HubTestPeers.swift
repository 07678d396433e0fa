import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SelfCareMessaging

/// An HTTP receiver bound to one address that holds every call until released, announcing each as it arrives.
actor HoldingReceiver {
    private(set) var calls: [String] = []
    private var held: [CheckedContinuation<Void, Never>] = []
    private var released = false
    private let arrivals: AsyncStream<Int>.Continuation
    /// The number of calls so far, each time one arrives.
    nonisolated let arrived: AsyncStream<Int>

    init() {
        (arrived, arrivals) = AsyncStream.makeStream(of: Int.self)
    }

    /// Held calls so far, not yet answered.
    var holding: Int { held.count }

    func release() {
        released = true
        for call in held { call.resume() }
        held = []
    }

    private func take(_ path: String) async {
        calls.append(path)
        arrivals.yield(calls.count)
        guard !released else { return }
        await withCheckedContinuation { held.append($0) }
    }

    /// Runs the receiver on `host` (port 0 for any) while `body` runs, passing the port; answers 200 once released.
    func serve(host: String = "127.0.0.1", port: Int = 0, _ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("{path}") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            await self.take(request.uri.path)
            return Response(status: .ok)
        }
        try await HubPeers.run(router, host: host, port: port, body)
    }
}

/// An HTTP receiver that answers every call at once with `status`, announcing each call as it arrives.
actor AnsweringReceiver {
    private(set) var calls: [String] = []
    let status: HTTPResponse.Status
    private let arrivals: AsyncStream<Int>.Continuation
    /// The number of calls so far, each time one arrives.
    nonisolated let arrived: AsyncStream<Int>

    init(status: HTTPResponse.Status = .ok) {
        self.status = status
        (arrived, arrivals) = AsyncStream.makeStream(of: Int.self)
    }

    private func take(_ path: String) -> HTTPResponse.Status {
        calls.append(path)
        arrivals.yield(calls.count)
        return status
    }

    func serve(host: String = "127.0.0.1", port: Int = 0, _ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("{path}") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: await self.take(request.uri.path))
        }
        try await HubPeers.run(router, host: host, port: port, body)
    }
}

/// A resolver of the test's own: the `n`-th look-up of any name gets the `n`-th answer (the last one once they run out).
actor ScriptedResolver: HostResolving {
    private let answers: [[String]]
    private(set) var lookUps = 0

    init(_ answers: [[String]]) {
        self.answers = answers
    }

    func addresses(of host: String) async -> [String] {
        lookUps += 1
        return answers[min(lookUps, answers.count) - 1]
    }
}

enum HubPeers {
    /// Runs `router` on `host:port` while `body` runs, passing the port it got.
    @discardableResult
    static func run<T: Sendable>(
        _ router: Router<BasicRequestContext>, host: String, port: Int, _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        let (ports, listener) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port)),
                              onServerRunning: { channel in listener.yield(channel.localAddress?.port ?? 0) }, logger: WebTest.logger)
        let running = Task { try await app.runService() }
        guard let bound = await ports.first(where: { _ in true }) else {
            running.cancel()
            throw PortalTestError("the receiver did not start")
        }
        let result: Result<T, any Error>
        do { result = .success(try await body(bound)) } catch { result = .failure(error) }
        running.cancel()
        _ = await running.result
        return try result.get()
    }

    /// A port nothing listens on any more (a receiver's, once it stopped).
    static func closedPort() async throws -> Int {
        try await run(Router(), host: "127.0.0.1", port: 0) { $0 }
    }
}

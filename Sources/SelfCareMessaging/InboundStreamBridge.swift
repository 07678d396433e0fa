import NIOCore

/// Hands what a channel reads to an async stream, and ends the stream when the connection goes down, so a client
/// reads its peer with `for try await`.
final class InboundStreamBridge<Message: Sendable>: ChannelInboundHandler, Sendable {
    typealias InboundIn = Message

    let continuation: AsyncThrowingStream<Message, any Error>.Continuation

    init(continuation: AsyncThrowingStream<Message, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }
}

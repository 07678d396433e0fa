import Logging
import NIOCore
import SQLKit
import Tracing

/// A database whose every statement is a client span of `tracer`: named by its first keyword, with the statement's
/// text as the driver sees it (placeholders, never the bound values) and the engine.
struct TracedSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let tracer: any Tracer

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        let span = startSpan(for: query)
        let result = base.execute(sql: query, onRow)
        result.whenComplete { outcome in
            if case .failure(let error) = outcome { span.recordError(error) }
            span.end()
        }
        return result
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let span = startSpan(for: query)
        defer { span.end() }
        do {
            try await base.execute(sql: query, onRow)
        } catch {
            span.recordError(error)
            throw error
        }
    }

    private func startSpan(for query: any SQLExpression) -> any Span {
        let text = base.serialize(query).sql
        let keyword = text.prefix { !$0.isWhitespace }.uppercased()
        let span = tracer.startSpan(keyword.isEmpty ? "SQL" : keyword, context: .current ?? .topLevel, ofKind: .client)
        span.attributes["db.system.name"] = dialect.name == "postgresql" ? "postgresql" : "sqlite"
        span.attributes["db.query.text"] = text
        return span
    }
}

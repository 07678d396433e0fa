import Foundation
import SelfCareCore
import SelfCareMessaging
import SelfCareStore
import SQLKit

/// Issues and checks SMS codes: random, stored as a keyed hash, short-lived, single use, attempt-limited,
/// rate-limited per identifier.
struct OneTimeCodes: Sendable {
    let policy: OneTimeCodePolicy
    /// The deployment's key for hashing codes at rest.
    let key: String
    let engine: DatabaseEngine
    let operatorName: String
    private let codes = OneTimeCodeRepository()

    init(policy: OneTimeCodePolicy, key: String, engine: DatabaseEngine, operatorName: String) {
        self.policy = policy
        self.key = key
        self.engine = engine
        self.operatorName = operatorName
    }

    /// Queues a new code by SMS to `msisdn`, unless `subject` already had the hourly maximum. Without a number (unknown
    /// or already registered identifier) the code is stored but sent nowhere, so the flow answers like a real one.
    func issue(
        purpose: CodePurpose, flowID: String, subject: String, to msisdn: MSISDN?, language: Language, now: Date, on db: any SQLDatabase
    ) async throws(ServiceError) {
        do {
            let recent = try await codes.countIssued(subject: subject, purpose: purpose.rawValue, since: now.addingTimeInterval(-3600), on: db)
            guard recent < policy.maximumCodesPerHour else {
                throw ServiceError.field("code", "error.code.tooManyCodes", code: "too_many_codes")
            }
            var generator = SystemRandomNumberGenerator()
            let code = policy.newCode(using: &generator)
            try await codes.insert(
                purpose: purpose.rawValue, flowID: flowID, subject: subject, codeHash: hash(code, flowID: flowID), now: now,
                expiresAt: now.addingTimeInterval(policy.lifetime), on: db)
            if let msisdn {
                try await OutboxRepository().enqueue(
                    Notices.code(code, purpose: purpose, to: msisdn, operatorName: operatorName, language: language), now: now, on: db)
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(messageKey: "error.unexpected", code: "internal_error")
        }
    }

    /// Seconds to wait before another code may be sent for this flow (0 when one may be sent now).
    func resendWait(flowID: String, now: Date, on db: any SQLDatabase) async throws -> Int {
        guard let last = try await codes.latestIssue(flowID: flowID, on: db) else { return 0 }
        return max(0, Int((last.addingTimeInterval(policy.resendWait).timeIntervalSince(now)).rounded(.up)))
    }

    /// Checks `code` against the flow's newest code; a wrong code uses up one of the tries.
    func verify(_ code: String, flowID: String, now: Date, on db: any SQLDatabase) async throws -> Result<Void, ServiceError> {
        let invalid = ServiceError.field("code", "error.code.invalid", code: "invalid_code")
        guard let stored = try await codes.latest(flowID: flowID, engine: engine, on: db), !stored.consumed else {
            return .failure(invalid)
        }
        guard stored.expiresAt > now else { return .failure(.field("code", "error.code.expired", code: "code_expired")) }
        guard stored.attempts < Int64(policy.maximumAttempts) else {
            return .failure(.field("code", "error.code.tooManyAttempts", code: "too_many_attempts"))
        }
        let compact = code.filter { !$0.isWhitespace }
        guard policy.isWellFormed(compact), SecretTokens.constantTimeEqual(hash(compact, flowID: flowID), stored.codeHash) else {
            try await codes.recordFailedAttempt(codeID: stored.id, on: db)
            return .failure(stored.attempts + 1 >= Int64(policy.maximumAttempts)
                ? .field("code", "error.code.tooManyAttempts", code: "too_many_attempts") : invalid)
        }
        try await codes.consume(codeID: stored.id, now: now, on: db)
        return .success(())
    }

    private func hash(_ code: String, flowID: String) -> String {
        SecretTokens.keyedHash("\(flowID):\(code)", key: key)
    }
}

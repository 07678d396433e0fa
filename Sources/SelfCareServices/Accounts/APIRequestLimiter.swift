import Foundation
import SelfCareCore
import SelfCareStore

/// How many more requests a login may make in the current window.
package struct RateLimitState: Sendable, Hashable {
    package var limit: Int
    package var remaining: Int
    /// Seconds until the window ends.
    package var reset: Int

    package var isExceeded: Bool { remaining < 0 }
}

/// One budget of API requests per login, whatever carries them: its API sessions and all its personal tokens draw on
/// it together, so more tokens or more sessions buy no more requests.
package struct APIRequestLimiter: Sendable {
    private let database: Database
    private let clock: any WallClock
    /// Requests a login may make per window.
    package let requestsPerWindow: Int
    package let window: TimeInterval

    package init(database: Database, clock: any WallClock, requestsPerWindow: Int = 120, window: TimeInterval = 60) {
        self.database = database
        self.clock = clock
        self.requestsPerWindow = requestsPerWindow
        self.window = window
    }

    /// Counts one API request of `identity`'s login; `remaining` below zero means it is over its limit until `reset`.
    package func hit(_ identity: AuthenticatedUser) async throws -> RateLimitState {
        let now = clock.now()
        let window = self.window
        let key = "api-login:\(identity.user.id)"
        let (hits, start) = try await database.transaction { db in
            try await RateLimitRepository().hit(key, window: window, now: now, on: db)
        }
        let reset = max(Int((start.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)), 1)
        return RateLimitState(limit: requestsPerWindow, remaining: requestsPerWindow - hits, reset: reset)
    }
}

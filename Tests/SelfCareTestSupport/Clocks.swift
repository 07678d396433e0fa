import Foundation
import SelfCareCore

/// A clock stopped at one instant.
package struct StoppedClock: WallClock {
    package let instant: Date

    package init(_ instant: Date) {
        self.instant = instant
    }

    package func now() -> Date { instant }
}

import Foundation
import SelfCareServices

/// A progress bar on stderr, shown only when stderr is a terminal.
struct ProgressBar: Sendable {
    let label: String
    let enabled = isatty(STDERR_FILENO) != 0

    func update(_ fraction: Double) {
        guard enabled else { return }
        let width = 30
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded())
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))%".utf8))
        if fraction >= 1 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

import Foundation
import NIOConcurrencyHelpers
import SelfCareServices

/// Progress on stderr: on a terminal a bar redrawn in place with the rate and the time left; otherwise a plain line
/// at every tenth of the work, so logs stay readable.
final class ProgressBar: Sendable {
    let label: String
    /// How many items the whole work counts (records of a file), when known: the rate is then in items per second.
    let total: Int?
    let unit: String
    private let onTerminal = isatty(STDERR_FILENO) != 0
    private let started = ContinuousClock.now
    private let lastTenth = NIOLockedValueBox(-1)

    init(label: String, total: Int? = nil, unit: String = "records") {
        self.label = label
        self.total = total
        self.unit = unit
    }

    @Sendable func update(_ fraction: Double) {
        let fraction = min(max(fraction, 0), 1)
        let gone = ContinuousClock.now - started
        let elapsed = Double(gone.components.seconds) + Double(gone.components.attoseconds) / 1e18
        var detail = ""
        if let total, elapsed > 0 { detail += " \(Int(fraction * Double(total) / elapsed)) \(unit)/s" }
        if fraction > 0, fraction < 1 { detail += ", \(Int((elapsed / fraction - elapsed).rounded())) s left" }
        if onTerminal {
            let width = 30
            let filled = Int((fraction * Double(width)).rounded())
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))%\(detail)\u{1B}[K".utf8))
            if fraction >= 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let tenth = Int(fraction * 10)
            let isNew = lastTenth.withLockedValue { last in
                guard tenth > last else { return false }
                last = tenth
                return true
            }
            if isNew { FileHandle.standardError.write(Data("\(label): \(tenth * 10)%\(detail)\n".utf8)) }
        }
    }

    /// The records of a CSV file with a header: its lines but the first.
    static func records(inFile path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var lines = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            lines += chunk.withUnsafeBytes { bytes in bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        }
        return max(lines - 1, 0)
    }
}

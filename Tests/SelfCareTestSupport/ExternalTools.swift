import Foundation

/// Command-line tools some tests run (qpdf, pdftotext), found through `PATH` as a shell would.
package enum ExternalTools {
    /// The executable called `name`, or nil when no directory of `PATH` has it.
    package static func path(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

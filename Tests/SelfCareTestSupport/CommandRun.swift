import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `selfcare` executable built beside the tests, run as an operator would run it.
package struct CommandRun: Sendable {
    /// What the run printed and how it ended.
    package struct Outcome: Sendable {
        /// The exit status; nil when the run was still going when `until` matched, and was killed.
        package var status: Int32?
        package var standardOutput: String
        package var standardError: String
    }

    /// The executable: `selfcare` in the folder the test runner was built into (`swift build --build-tests` builds both).
    package static var executable: URL {
        let runner = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var folder = runner.deletingLastPathComponent()
        // On Darwin the runner sits inside an .xctest bundle.
        while folder.pathExtension == "xctest" || folder.lastPathComponent == "Contents" || folder.lastPathComponent == "MacOS" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("selfcare")
    }

    package var arguments: [String]
    /// The whole environment of the run (nothing is inherited but `PATH`).
    package var environment: [String: String]

    package init(_ arguments: [String], environment: [String: String]) {
        self.arguments = arguments
        self.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { own, _ in own }
    }

    /// Runs the command until it exits, or until its standard output contains `marker`; then it is killed.
    package func run(until marker: String? = nil) async throws -> Outcome {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        async let errorText = Self.read(errors.fileHandleForReading, until: nil)
        let outputText = await Self.read(output.fileHandleForReading, until: marker)
        var killed = false
        if process.isRunning, let marker, outputText.contains(marker) {
            kill(process.processIdentifier, SIGKILL)
            killed = true
        }
        process.waitUntilExit()
        return Outcome(status: killed ? nil : process.terminationStatus, standardOutput: outputText, standardError: await errorText)
    }

    /// Reads `handle` on a thread of its own until end of file, or until what was read contains `marker`.
    private static func read(_ handle: FileHandle, until marker: String?) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var text = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    text += String(decoding: data, as: UTF8.self)
                    if let marker, text.contains(marker) { break }
                }
                continuation.resume(returning: text)
            }
        }
    }
}

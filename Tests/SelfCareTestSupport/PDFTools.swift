import Foundation

/// The Debian PDF tools the document suites check their output with.
package enum PDFTools {
    package static let qpdfPath = ExternalTools.path("qpdf") ?? "qpdf"
    package static let pdftotextPath = ExternalTools.path("pdftotext") ?? "pdftotext"

    package static var hasQPDF: Bool { FileManager.default.isExecutableFile(atPath: qpdfPath) }
    package static var hasPDFToText: Bool { FileManager.default.isExecutableFile(atPath: pdftotextPath) }

    /// What a tool printed and how it ended.
    package struct Outcome: Sendable {
        package var status: Int32
        package var output: String
    }

    /// Both tools, which the tests that read PDFs back require (they are skipped without them, and under CI a skip
    /// fails the run).
    package static var available: Bool { hasQPDF && hasPDFToText }

    /// Runs `qpdf --check` on `pdf`.
    package static func check(_ pdf: Data) throws -> Outcome {
        guard hasQPDF else { throw PDFToolError("qpdf is not installed") }
        return try withFile(pdf) { path in try run(qpdfPath, ["--check", path]) }
    }

    /// How `pdftotext` orders the text it reads.
    package enum Mode: Sendable {
        /// Reading order (the default).
        case reading
        /// The page's physical layout (`-layout`): what stands on one line of the page stands on one line of text.
        case layout
        /// Content-stream order (`-raw`). Reading order joins "1 / 3" into "1/3" even when the PDF holds the
        /// literal string with its spaces, so page numbers are read this way.
        case raw
    }

    /// The text of `pdf` as `pdftotext` reads it (UTF-8); pages are separated by form feeds.
    package static func text(_ pdf: Data, mode: Mode = .reading) throws -> String {
        try withFile(pdf) { path in
            let option: [String] = switch mode {
            case .reading: []
            case .layout: ["-layout"]
            case .raw: ["-raw"]
            }
            let outcome = try run(pdftotextPath, option + ["-enc", "UTF-8", path, "-"])
            guard outcome.status == 0 else { throw PDFToolError("pdftotext failed: \(outcome.output)") }
            return outcome.output
        }
    }

    /// The text of each page of `pdf`.
    package static func pages(_ pdf: Data, mode: Mode = .reading) throws -> [String] {
        var pages = try text(pdf, mode: mode).components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }

    private static func withFile<T>(_ data: Data, _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("selfcare-documents-\(UUID().uuidString).pdf")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }
}

extension String {
    /// The text with every run of white space (no-break spaces included) made one plain space.
    package var normalizedSpaces: String {
        split(whereSeparator: { $0.isWhitespace || $0 == "\u{00A0}" || $0 == "\u{202F}" }).joined(separator: " ")
    }
}

/// A PDF tool that is missing or failed.
package struct PDFToolError: Error, CustomStringConvertible {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}

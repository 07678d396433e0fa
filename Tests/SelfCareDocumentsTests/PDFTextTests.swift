import Foundation
import SelfCareCore
import Testing
@testable import SelfCareDocuments

/// The writer's fast paths (tables of advances, text encoded once, numbers and row fields formatted as bytes) give
/// exactly what the plain definitions give.
@Suite("Encoded text")
struct PDFTextTests {
    /// A coordinate as the writer first wrote it, through `String`.
    static func referenceNumber(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let magnitude = abs(hundredths)
        let sign = hundredths < 0 ? "-" : ""
        let fraction = magnitude % 100
        if fraction == 0 { return sign + String(magnitude / 100) }
        return sign + String(magnitude / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    @Test("the tabled advances are the measured ones, for every character up to U+2FFF")
    func advances() {
        // given
        let scalars = (0..<0x3000).compactMap(Unicode.Scalar.init)

        // when
        let mismatches = scalars.filter { scalar in
            let tabled = PDFWriter.advance(of: scalar)
            let measured = PDFWriter.measuredAdvance(of: scalar)
            return tabled.regular != measured.regular || tabled.bold != measured.bold
        }

        // then
        #expect(mismatches.isEmpty)
    }

    @Test("text encoded once has the bytes of winAnsi and the width of width(of:)", arguments: [
        "Rs 12.50", "1 234,50 Rs", "Échéance", "Zoë “Œuvre” (n° 7) \\ 5 € …", "→ 中文 e\u{301}", "\u{7F}\t", "",
    ])
    func encodedText(_ text: String) {
        // when
        let encoded = PDFText(text)

        // then
        #expect(Data(encoded.bytes) == PDFWriter.winAnsi(text))
        for font in [PDFWriter.Font.regular, .bold] {
            #expect(encoded.width(font: font, size: 8.5) == PDFWriter.width(of: text, font: font, size: 8.5))
        }
    }

    @Test("coordinates are written as before: two decimals at most, no trailing .00, rounded half away from zero")
    func numbers() {
        // given
        let values = stride(from: -1_000.0, through: 1_000.0, by: 0.0037).map { $0 } + [0, -0, 0.005, -0.005, 0.994, 595.28, 841.89, 1e12]

        // when
        let mismatches = values.filter { PDFWriter.number($0) != Self.referenceNumber($0) }

        // then
        #expect(mismatches.isEmpty)
    }

    @Test("row times are written as UsageFormatting.localTime writes them, also outside four-digit years")
    func localTimes() {
        // given
        let special: [TimeInterval] = [-62_135_596_800, -30_610_224_001, -30_610_224_000, -14_401, -14_400.5, -1, -0.5, 0, 0.5, 86_399,
                                       1_793_000_000, 253_402_300_799, 253_402_300_800, 400_000_000_000]
        let instants = (special + (0..<5_000).map { 1_790_000_000 + Double($0 * 1_543) }).map(Date.init(timeIntervalSince1970:))
        var time = LocalTimeText()

        // when
        let written = instants.map { instant in
            var text = PDFText()
            time.append(instant, to: &text)
            return String(decoding: text.bytes, as: UTF8.self)
        }

        // then
        #expect(written == instants.map(UsageFormatting.localTime))
    }

    @Test("row quantities are written as UsageFormatting.quantity writes them", arguments: Language.allCases)
    func quantities(language: Language) throws {
        // given
        let line = try MSISDN("+23057100001")
        let records = [Int64(0), 5, 59, 60, 61, 599, 3_599, 3_600, 86_399, -1, -61].map {
            UsageRecord(recordID: "V", msisdn: line, type: .voice, startedAt: Date(), durationSeconds: $0)
        } + [Int64(0), 4_999, 5_000, 95_000, 12_345_678, 4_999_000_000, -20_000].map {
            UsageRecord(recordID: "D", msisdn: line, type: .data, startedAt: Date(), volumeBytes: $0)
        } + [UsageRecord(recordID: "S", msisdn: line, type: .sms, startedAt: Date())]
        let usages = records.map { record in
            RatedUsage(record: record, chargeClass: record.type == .data ? .dataNational : record.type == .sms ? .smsNational : .voiceOnNet,
                       quantity: record.type == .data ? record.volumeBytes : 1, includedQuantity: 0, charge: .zero, rate: .zero)
        }

        // when
        let written = usages.map { usage in
            var text = PDFText()
            text.appendQuantity(usage, language)
            return String(decoding: text.bytes, as: UTF8.self)
        }

        // then
        #expect(written == usages.map { UsageFormatting.quantity($0, language) })
    }

    @Test("row charges have the bytes and width of Money.formatted", arguments: Language.allCases)
    func charges(language: Language) {
        // given
        let amounts = [Int64(0), 1, 9, 10, 99, 100, 2_400, 99_999, 100_000, 144_000, 12_345_678_901, -5, -123_456, .max, .min]
            .map(Money.init(cents:))

        // when
        let written = amounts.map { amount in
            var text = PDFText()
            text.appendMoney(amount, language)
            return text
        }

        // then
        for (amount, text) in zip(amounts, written) {
            let formatted = amount.formatted(language)
            #expect(Data(text.bytes) == PDFWriter.winAnsi(formatted), "\(formatted)")
            #expect(text.width(font: .regular, size: 8) == PDFWriter.width(of: formatted, font: .regular, size: 8), "\(formatted)")
        }
    }
}

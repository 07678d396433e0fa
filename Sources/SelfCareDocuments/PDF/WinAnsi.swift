import Foundation

extension PDFWriter {
    /// `text` as a PDF string body in WinAnsi (CP-1252), with `(`, `)` and `\` escaped; characters outside it become `?`.
    static func winAnsi(_ text: String) -> Data {
        var bytes = Data()
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let byte: UInt8
            switch scalar.value {
            case 0x28, 0x29, 0x5C:
                bytes.append(0x5C)
                byte = UInt8(scalar.value)
            case 0x20...0x7E, 0xA0...0xFF:
                byte = UInt8(scalar.value)
            case 0x202F, 0x2007: byte = 0xA0
            default: byte = winAnsiExtras[scalar.value] ?? 0x3F
            }
            bytes.append(byte)
        }
        return bytes
    }

    /// The CP-1252 characters above 0x7F that are not Latin-1.
    static let winAnsiExtras: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02C6: 0x88,
        0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93,
        0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// The width of `text` in points, from the fonts' metrics (accented letters measured as their base letter).
    public static func width(of text: String, font: Font, size: Double) -> Double {
        let widths = font == .bold ? helveticaBoldWidths : helveticaWidths
        var total = 0
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if value > 0x7E {
                let base = String(scalar).folding(options: .diacriticInsensitive, locale: nil).unicodeScalars.first?.value ?? 0x6F
                value = base <= 0x7E ? base : 0x6F
                if scalar.value == 0xA0 || scalar.value == 0x202F { value = 0x20 }
                if scalar.value == 0x2026 { total += 1000; continue }
            }
            total += value >= 0x20 && value <= 0x7E ? widths[Int(value - 0x20)] : 556
        }
        return Double(total) * size / 1000
    }

    /// Helvetica advance widths of the characters 0x20–0x7E (per 1000 units).
    static let helveticaWidths: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]

    /// Helvetica-Bold advance widths of the characters 0x20–0x7E (per 1000 units).
    static let helveticaBoldWidths: [Int] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    ]
}

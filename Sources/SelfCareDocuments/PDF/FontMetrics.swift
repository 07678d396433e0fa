import Foundation

extension PDFWriter {
    /// The width of `text` in points, from the fonts' metrics (accented letters measured as their base letter).
    public static func width(of text: String, font: Font, size: Double) -> Double {
        var total = 0
        for scalar in text.unicodeScalars { total += advance(of: scalar)[font] }
        return Double(total) * size / 1000
    }

    /// The advance of one character in both fonts: from tables for Latin-1 and the rest of WinAnsi, measured for others.
    @inline(__always)
    static func advance(of scalar: Unicode.Scalar) -> Advance {
        let value = scalar.value
        if value < 0x100 { return latin1Advances[Int(value)] }
        return otherWinAnsiAdvances[value] ?? measuredAdvance(of: scalar)
    }

    /// The advance of a character in each font, in thousandths of the font size.
    struct Advance: Sendable {
        var regular: Int
        var bold: Int

        subscript(font: Font) -> Int { font == .bold ? bold : regular }
    }

    /// The advance from the fonts' metrics: beyond ASCII, the base letter once diacritics are folded away (`o` when
    /// there is none), no-break spaces as a space and the ellipsis as one em. Slow: the tables are built with it.
    static func measuredAdvance(of scalar: Unicode.Scalar) -> Advance {
        var value = scalar.value
        if value > 0x7E {
            if value == 0x2026 { return Advance(regular: 1000, bold: 1000) }
            let base = String(scalar).folding(options: .diacriticInsensitive, locale: nil).unicodeScalars.first?.value ?? 0x6F
            value = base <= 0x7E ? base : 0x6F
            if scalar.value == 0xA0 || scalar.value == 0x202F { value = 0x20 }
        }
        guard value >= 0x20, value <= 0x7E else { return Advance(regular: 556, bold: 556) }
        return Advance(regular: helveticaWidths[Int(value - 0x20)], bold: helveticaBoldWidths[Int(value - 0x20)])
    }

    /// The advances of U+0000–U+00FF, measured once.
    private static let latin1Advances: [Advance] = (0..<0x100).map { measuredAdvance(of: Unicode.Scalar(UInt8($0))) }

    /// The advances of the WinAnsi characters beyond Latin-1 and the spaces encoded as a no-break space, measured once.
    private static let otherWinAnsiAdvances: [UInt32: Advance] = Dictionary(
        uniqueKeysWithValues: (Array(winAnsiExtras.keys) + [0x2007, 0x202F]).map { ($0, measuredAdvance(of: Unicode.Scalar($0)!)) })

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

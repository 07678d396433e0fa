import Foundation

extension PDFWriter {
    /// `text` as a PDF string body in WinAnsi (CP-1252), with `(`, `)` and `\` escaped; characters outside it become `?`.
    static func winAnsi(_ text: String) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        appendWinAnsi(text, to: &bytes)
        return Data(bytes)
    }

    /// Appends `text` encoded as `winAnsi(_:)` encodes it; printable ASCII without `(`, `)` or `\` is copied as it is.
    static func appendWinAnsi(_ text: String, to bytes: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E && $0 != 0x28 && $0 != 0x29 && $0 != 0x5C }) {
            bytes.append(contentsOf: text.utf8)
            return
        }
        for scalar in text.unicodeScalars { appendWinAnsi(scalar, to: &bytes) }
    }

    /// Appends one character encoded as `winAnsi(_:)` encodes it.
    @inline(__always)
    static func appendWinAnsi(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        switch scalar.value {
        case 0x28, 0x29, 0x5C:
            bytes.append(0x5C)
            bytes.append(UInt8(truncatingIfNeeded: scalar.value))
        case 0x20...0x7E, 0xA0...0xFF: bytes.append(UInt8(truncatingIfNeeded: scalar.value))
        case 0x202F, 0x2007: bytes.append(0xA0)
        default: bytes.append(winAnsiExtras[scalar.value] ?? 0x3F)
        }
    }

    /// The CP-1252 characters above 0x7F that are not Latin-1.
    static let winAnsiExtras: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02C6: 0x88,
        0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93,
        0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]
}

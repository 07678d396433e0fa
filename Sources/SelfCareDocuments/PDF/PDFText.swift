/// Text made ready for a page: its WinAnsi bytes (escaped) and its width in both fonts, worked out as it is built, so
/// text drawn on every row is encoded and measured once, and varying fields are formatted without a `String`.
struct PDFText {
    private(set) var bytes: [UInt8] = []
    private var advance = PDFWriter.Advance(regular: 0, bold: 0)

    init() {}

    init(_ text: String) {
        append(text)
    }

    mutating func append(_ text: String) {
        for scalar in text.unicodeScalars { append(scalar) }
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        PDFWriter.appendWinAnsi(scalar, to: &bytes)
        let added = PDFWriter.advance(of: scalar)
        advance.regular += added.regular
        advance.bold += added.bold
    }

    mutating func append(_ other: PDFText) {
        bytes.append(contentsOf: other.bytes)
        advance.regular += other.advance.regular
        advance.bold += other.advance.bold
    }

    /// Appends `value` in decimal, as `String(value)` writes it.
    mutating func appendInteger(_ value: some BinaryInteger) {
        if value < 0 { append("-") }
        appendDigits(UInt64(value.magnitude))
    }

    private mutating func appendDigits(_ value: UInt64) {
        if value >= 10 { appendDigits(value / 10) }
        append(Unicode.Scalar(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)))
    }

    /// Appends `value` with at least two digits: `07`, `42`.
    mutating func appendTwoDigits(_ value: Int) {
        if value >= 0, value < 10 { append("0") }
        appendInteger(value)
    }

    /// Empties the text, keeping its storage for the next one.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        advance = PDFWriter.Advance(regular: 0, bold: 0)
    }

    /// The width in points at `size` in `font`; the same as `PDFWriter.width(of:font:size:)` of the original text.
    func width(font: PDFWriter.Font, size: Double) -> Double {
        Double(advance[font]) * size / 1000
    }
}

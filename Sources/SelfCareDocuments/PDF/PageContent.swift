/// The content stream of the open page: its operators appended as bytes, with no `String` in between.
struct PageContent {
    private(set) var bytes: [UInt8] = []

    /// Room for one operator's keywords and six numbers of up to 21 characters each.
    private static let operatorCapacity = 256

    init() {
        bytes.reserveCapacity(64 * 1024)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func text(_ text: String, x: Double, y: Double, font: PDFWriter.Font, size: Double, gray: Double) {
        beginText(x: x, y: y, font: font, size: size, gray: gray)
        PDFWriter.appendWinAnsi(text, to: &bytes)
        endText()
    }

    mutating func text(_ text: PDFText, x: Double, y: Double, font: PDFWriter.Font, size: Double, gray: Double) {
        beginText(x: x, y: y, font: font, size: size, gray: gray)
        bytes.append(contentsOf: text.bytes)
        endText()
    }

    mutating func line(from start: (Double, Double), to end: (Double, Double), width: Double, gray: Double) {
        append { out in
            out.write("q ")
            out.writeNumber(gray)
            out.write(" G ")
            out.writeNumber(width)
            out.write(" w ")
            out.writePoint(start.0, start.1)
            out.write(" m ")
            out.writePoint(end.0, end.1)
            out.write(" l S Q\n")
        }
    }

    mutating func fillRect(x: Double, y: Double, width: Double, height: Double, gray: Double) {
        append { out in
            out.write("q ")
            out.writeNumber(gray)
            out.write(" g ")
            out.writePoint(x, y)
            out.write(" ")
            out.writePoint(width, height)
            out.write(" re f Q\n")
        }
    }

    mutating func strokeRect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, gray: Double) {
        append { out in
            out.write("q ")
            out.writeNumber(gray)
            out.write(" G ")
            out.writeNumber(lineWidth)
            out.write(" w ")
            out.writePoint(x, y)
            out.write(" ")
            out.writePoint(width, height)
            out.write(" re S Q\n")
        }
    }

    /// Draws the form holding the page count at (`x`, `y`).
    mutating func pageCount(x: Double, y: Double) {
        append { out in
            out.write("q 1 0 0 1 ")
            out.writePoint(x, y)
            out.write(" cm /PageCount Do Q\n")
        }
    }

    /// `BT`, the gray, font and position of a text, and the `(` that opens its string.
    private mutating func beginText(x: Double, y: Double, font: PDFWriter.Font, size: Double, gray: Double) {
        append { out in
            out.write("BT ")
            out.writeNumber(gray)
            out.write(font == .bold ? " g /F2 " : " g /F1 ")
            out.writeNumber(size)
            out.write(" Tf ")
            out.writePoint(x, y)
            out.write(" Td (")
        }
    }

    /// The `)` that closes a text's string, and `ET`.
    private mutating func endText() {
        (") Tj ET\n" as StaticString).withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func append(_ body: (inout ByteWriter) -> Void) {
        ByteWriter.withBuffer(capacity: Self.operatorCapacity, body) { bytes.append(contentsOf: $0) }
    }
}

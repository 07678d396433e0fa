import SelfCareCore

/// The header of a bill's continuation pages (operator, title and bill number; Account ID or client reference, a rule),
/// encoded once per bill.
struct RunningHeader {
    private let title: PDFText
    private let identifier: PDFText

    init(_ document: BillDocument, title: String, labels: BillPDF.Labels) {
        self.title = PDFText("\(document.operatorName) · \(title) \(document.billNo)")
        identifier = PDFText(document.accountID.map { "\(labels("document.accountId")) \($0.grouped)" } ?? document.clientReference)
    }

    /// Draws the header; returns where content starts.
    func draw(_ pdf: PDFWriter) -> Double {
        let top = PDFWriter.a4Height - BillPDF.margin
        pdf.text(title, x: BillPDF.margin, y: top - 10, font: .bold, size: 9)
        pdf.textRightAligned(identifier, right: BillPDF.right, y: top - 10, size: 9)
        pdf.line(from: (BillPDF.margin, top - 16), to: (BillPDF.right, top - 16))
        return top - 34
    }
}

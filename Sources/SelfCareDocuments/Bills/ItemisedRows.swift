import Foundation
import SelfCareCore

/// Draws the itemised records of one bill. What rows repeat (column heads, record types, bundle notes) is encoded and
/// measured once per bill; the fields that vary are formatted straight into one reused buffer.
struct ItemisedRows {
    private static let columns: [Double] = [BillPDF.margin, 128, 212, 318, 392, 460]

    private let language: Language
    private let labels: BillPDF.Labels
    private let heads: [PDFText]
    private let chargeHead: PDFText
    private let inBundle: PDFText
    private let partlyInBundle: PDFText
    private let noBundle = PDFText()
    /// The type column by charge class and roaming country, cut to fit once; a bill has a handful of them.
    private var types: [(chargeClass: ChargeClass, roamingCountry: String?, text: PDFText)] = []
    private var time = LocalTimeText()
    private var field = PDFText()

    init(language: Language, labels: @escaping BillPDF.Labels) {
        self.language = language
        self.labels = labels
        heads = ["document.col.date", "document.col.type", "document.col.destination", "document.col.quantity", "document.col.included"]
            .map { PDFText(labels($0)) }
        chargeHead = PDFText(labels("document.col.charge"))
        inBundle = PDFText(labels("document.inBundle"))
        partlyInBundle = PDFText(labels("document.partlyInBundle"))
    }

    /// The column heads and the rule under them.
    func drawHeads(_ pdf: PDFWriter, y: Double) {
        for (index, head) in heads.enumerated() {
            pdf.text(head, x: Self.columns[index], y: y, font: .bold, size: 8, gray: 0.3)
        }
        pdf.textRightAligned(chargeHead, right: BillPDF.right, y: y, font: .bold, size: 8, gray: 0.3)
        pdf.line(from: (BillPDF.margin, y - 4), to: (BillPDF.right, y - 4), width: 0.3)
    }

    /// One record: local time, type (cut to fit), destination, quantity, bundle note and charge.
    mutating func draw(_ usage: RatedUsage, _ pdf: PDFWriter, y: Double) {
        let record = usage.record
        field.removeAll()
        time.append(record.startedAt, to: &field)
        pdf.text(field, x: Self.columns[0], y: y, size: 8)
        pdf.text(typeText(usage), x: Self.columns[1], y: y, size: 8)
        pdf.text(record.destination ?? "", x: Self.columns[2], y: y, size: 8)
        field.removeAll()
        field.appendQuantity(usage, language)
        pdf.text(field, x: Self.columns[3], y: y, size: 8)
        let included = usage.isFullyIncluded ? inBundle : (usage.includedQuantity > 0 ? partlyInBundle : noBundle)
        pdf.text(included, x: Self.columns[4], y: y, size: 8, gray: 0.35)
        field.removeAll()
        field.appendMoney(usage.charge, language)
        pdf.textRightAligned(field, right: BillPDF.right, y: y, size: 8)
    }

    private mutating func typeText(_ usage: RatedUsage) -> PDFText {
        let roamingCountry = usage.record.roamingCountry
        if let known = types.first(where: { $0.chargeClass == usage.chargeClass && $0.roamingCountry == roamingCountry }) {
            return known.text
        }
        let type = labels("document.short.\(usage.chargeClass.rawValue)") + (roamingCountry.map { " \($0)" } ?? "")
        let text = PDFText(PDFWriter.fitting(type, maxWidth: 80, font: .regular, size: 8))
        types.append((usage.chargeClass, roamingCountry, text))
        return text
    }
}

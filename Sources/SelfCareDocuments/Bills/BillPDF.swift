import Foundation
import SelfCareCore

/// The detailed bill as an A4 PDF an operator would send: operator header, Account ID top-right, period and dates,
/// summary with usage lines and VAT, payment instructions, then the itemised records; page numbers on every page.
public struct BillPDF: Sendable {
    /// Translated labels by key (`document.title`, …).
    public typealias Labels = @Sendable (String) -> String

    public let language: Language
    public let labels: Labels

    public init(language: Language, labels: @escaping Labels) {
        self.language = language
        self.labels = labels
    }

    static let margin = 42.0
    static let right = PDFWriter.a4Width - margin
    static let bottom = 60.0

    /// Writes the whole document; `sink` receives the PDF bytes in order.
    public func write(_ document: BillDocument, records: ItemisedRecords, sink: @escaping @Sendable (Data) async throws -> Void) async throws {
        let buffer = ChunkBuffer(sink: sink)
        let pdf = try PDFWriter(sink: { buffer.append($0) })
        var y = firstPage(pdf, document)
        try await buffer.flush()
        let title = labels(document.isGroupBill ? "document.groupBillTitle" : "document.billTitle")
        let header = RunningHeader(document, title: title, labels: labels)
        var cursor = Cursor(y: y)
        if document.isGroupBill {
            try await memberList(document, pdf: pdf, cursor: &cursor, header: header, buffer: buffer)
        }
        var rows = ItemisedRows(language: language, labels: labels)
        let members = Dictionary(document.members.map { ($0.accountID, $0) }, uniquingKeysWith: { first, _ in first })
        try await records { accountID, msisdn, rated in
            try cursor.ensureRoom(24 + 14 * Double(min(rated.count, 1)), pdf: pdf, header: { header.draw(pdf) })
            if document.isGroupBill || cursor.needsSectionTitle {
                cursor.y -= 8
                pdf.text("\(labels("document.account")) \(accountID.grouped) · \(msisdn.formatted)", x: Self.margin, y: cursor.y,
                         font: .bold, size: 10)
                cursor.y -= 16
                cursor.needsSectionTitle = false
            }
            if rated.isEmpty {
                pdf.text(labels("document.noUsage"), x: Self.margin, y: cursor.y, size: 9, gray: 0.35)
                cursor.y -= 14
            } else {
                rows.drawHeads(pdf, y: cursor.y)
                cursor.y -= 14
            }
            for usage in rated {
                if cursor.y < Self.bottom {
                    try self.footer(pdf)
                    try pdf.endPage()
                    try await buffer.flush()
                    pdf.beginPage()
                    cursor.y = header.draw(pdf)
                    rows.drawHeads(pdf, y: cursor.y)
                    cursor.y -= 14
                }
                rows.draw(usage, pdf, y: cursor.y)
                cursor.y -= 12
            }
            if let member = members[accountID] {
                try cursor.ensureRoom(16, pdf: pdf, header: { header.draw(pdf) })
                self.subtotal(member, pdf: pdf, y: cursor.y)
                cursor.y -= 16
            }
            try await buffer.flush()
        }
        try footer(pdf)
        try pdf.endPage()
        try pdf.finish(title: "\(title) \(document.billNo)", author: document.operatorName)
        try await buffer.flush()
        y = 0
    }

    /// Where the next line goes on the current page.
    private struct Cursor {
        var y: Double
        var needsSectionTitle = true

        mutating func ensureRoom(_ height: Double, pdf: PDFWriter, header: () -> Double) throws {
            guard y - height < BillPDF.bottom else { return }
            try BillPDF.footerStatic(pdf)
            try pdf.endPage()
            pdf.beginPage()
            y = header()
        }
    }

    private func money(_ amount: Money) -> String { amount.formatted(language) }

    private func firstPage(_ pdf: PDFWriter, _ document: BillDocument) -> Double {
        pdf.beginPage()
        let top = PDFWriter.a4Height - Self.margin
        pdf.text(document.operatorName, x: Self.margin, y: top - 14, font: .bold, size: 18)
        let title = labels(document.isGroupBill ? "document.groupBillTitle" : "document.billTitle")
        pdf.text(title, x: Self.margin, y: top - 36, font: .bold, size: 14, gray: 0.25)

        let boxWidth = 210.0
        let boxX = Self.right - boxWidth
        pdf.strokeRect(x: boxX, y: top - 96, width: boxWidth, height: 96, lineWidth: 1.2)
        var boxY = top - 16
        let identifierLabel = document.accountID != nil ? labels("document.accountId") : labels("document.clientRef")
        let identifierValue = document.accountID?.grouped ?? document.clientReference
        pdf.text(identifierLabel, x: boxX + 10, y: boxY, size: 8, gray: 0.35)
        pdf.textRightAligned(identifierValue, right: Self.right - 10, y: boxY - 2, font: .bold, size: 13)
        boxY -= 22
        for (label, value) in [
            (labels("document.billNo"), document.billNo), (labels("document.period"), CalendarText.period(document.period, language)),
            (labels("document.billDate"), CalendarText.day(document.billDate, language)),
            (labels("document.dueDate"), CalendarText.day(document.dueDate, language)),
        ] {
            pdf.text(label, x: boxX + 10, y: boxY, size: 8.5)
            pdf.textRightAligned(value, right: Self.right - 10, y: boxY, font: .bold, size: 8.5)
            boxY -= 14
        }

        var y = top - 70
        pdf.text(document.customerName, x: Self.margin, y: y, font: .bold, size: 11)
        y -= 14
        if let msisdn = document.msisdn {
            pdf.text("\(labels("document.number")) \(msisdn.formatted)", x: Self.margin, y: y, size: 9)
            y -= 12
        }
        if let plan = document.planName {
            let version = document.planVersion.map { version in
                " · " + (version.effectiveFrom.map {
                    labels("document.planVersion").replacingOccurrences(of: "{from}", with: CalendarText.day($0, language))
                } ?? labels("document.planFirstVersion")).replacingOccurrences(of: "{version}", with: "\(version.number)")
            } ?? ""
            pdf.text("\(labels("document.plan")) \(plan)\(version)", x: Self.margin, y: y, size: 9)
            y -= 12
        }
        y = min(y, top - 110) - 14

        pdf.fillRect(x: Self.margin, y: y - 4, width: Self.right - Self.margin, height: 18, gray: 0.92)
        pdf.text(labels("document.summary"), x: Self.margin + 6, y: y, font: .bold, size: 10)
        y -= 20
        func row(_ label: String, _ amount: Money, bold: Bool = false, detail: String = "") {
            pdf.text(label, x: Self.margin + 6, y: y, font: bold ? .bold : .regular, size: 9.5)
            if !detail.isEmpty { pdf.text(detail, x: 300, y: y, size: 8.5, gray: 0.35) }
            pdf.textRightAligned(money(amount), right: Self.right - 6, y: y, font: bold ? .bold : .regular, size: 9.5)
            y -= 14
        }
        if document.isGroupBill {
            let usageCharges = document.members.reduce(Money.zero) { $0 + $1.usageCharges }
            row(labels("document.monthlyFees"), document.monthlyFee,
                detail: labels("document.lineCount").replacingOccurrences(of: "{count}", with: "\(document.members.count)"))
            row(labels("document.usageCharges"), usageCharges)
        } else {
            row(labels("document.monthlyFee"), document.monthlyFee)
            for line in document.lines {
                let detail = line.chargeClass.unit == .byte
                    ? "\(UsageFormatting.megabytes(line.chargedQuantity, language)) / \(UsageFormatting.megabytes(line.quantity, language))"
                    : "\(line.chargedQuantity) / \(line.quantity) \(labels("document.unit.\(line.chargeClass.unit.rawValue)"))"
                row(labels("document.class.\(line.chargeClass.rawValue)"), line.amount, detail: "\(labels("document.charged")) \(detail)")
            }
        }
        y -= 4
        pdf.line(from: (Self.margin, y + 11), to: (Self.right, y + 11))
        row(labels("document.amountExclVat"), document.amountExcludingVAT)
        row(labels("document.vat"), document.vat)
        row(labels("document.total"), document.total, bold: true)
        if document.isGroupBill {
            // Two short lines, cut after the semicolon, so neither runs past the margin.
            let note = labels("document.groupVatNote")
            let cut = note.firstIndex(of: ";").map { note.index(after: $0) } ?? note.endIndex
            for line in [note[..<cut], note[cut...]] where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                pdf.text(line.trimmingCharacters(in: .whitespaces), x: Self.margin + 6, y: y, size: 8, gray: 0.35)
                y -= 11
            }
            y -= 3
        }
        if document.paid.cents > 0 {
            row(labels("document.paid"), document.paid)
            row(labels("document.remaining"), document.remaining, bold: true)
        }
        y -= 6
        pdf.fillRect(x: Self.margin, y: y - 34, width: Self.right - Self.margin, height: 44, gray: 0.96)
        pdf.text(labels("document.howToPay"), x: Self.margin + 6, y: y - 4, font: .bold, size: 9)
        pdf.text(labels("document.howToPayText").replacingOccurrences(of: "{portal}", with: document.portalURL)
                    .replacingOccurrences(of: "{due}", with: CalendarText.day(document.dueDate, language)),
                 x: Self.margin + 6, y: y - 17, maxWidth: Self.right - Self.margin - 12, size: 8.5)
        pdf.text(labels("document.helpline").replacingOccurrences(of: "{helpline}", with: document.helpline),
                 x: Self.margin + 6, y: y - 29, size: 8.5)
        y -= 56
        // A group bill lists its member bills first; the itemised records follow them.
        guard !document.isGroupBill else { return y + 10 }
        pdf.text(labels("document.itemised"), x: Self.margin, y: y, font: .bold, size: 11)
        return y - 10
    }

    /// Every member bill of a group bill, one line each with its fee, charges, VAT and total, continued over as many
    /// pages as it takes, before the itemised records.
    private func memberList(
        _ document: BillDocument, pdf: PDFWriter, cursor: inout Cursor, header: RunningHeader, buffer: ChunkBuffer
    ) async throws {
        let columns = MemberColumns()
        func heads() {
            pdf.fillRect(x: Self.margin, y: cursor.y - 4, width: Self.right - Self.margin, height: 14, gray: 0.92)
            pdf.text(labels("document.col.account"), x: columns.account, y: cursor.y, font: .bold, size: 7.5)
            pdf.text(labels("document.col.billNo"), x: columns.billNo, y: cursor.y, font: .bold, size: 7.5)
            for (key, right) in [("fee", columns.fee), ("charges", columns.charges), ("vat", columns.vat), ("total", columns.total)] {
                pdf.textRightAligned(labels("document.col.\(key)"), right: right, y: cursor.y, font: .bold, size: 7.5)
            }
            cursor.y -= 14
        }
        try cursor.ensureRoom(40, pdf: pdf, header: { header.draw(pdf) })
        cursor.y -= 6
        pdf.text(labels("document.memberBills"), x: Self.margin, y: cursor.y, font: .bold, size: 11)
        cursor.y -= 16
        heads()
        for (index, member) in document.members.enumerated() {
            if cursor.y < Self.bottom {
                try footer(pdf)
                try pdf.endPage()
                try await buffer.flush()
                pdf.beginPage()
                cursor.y = header.draw(pdf)
                heads()
            }
            pdf.text("\(member.accountID.grouped) · \(member.msisdn.formatted)", x: columns.account, y: cursor.y, size: 7.5)
            pdf.text(member.billNo, x: columns.billNo, y: cursor.y, size: 7.5)
            for (amount, right) in [(member.monthlyFee, columns.fee), (member.usageCharges, columns.charges), (member.vat, columns.vat)] {
                pdf.textRightAligned(money(amount), right: right, y: cursor.y, size: 7.5)
            }
            pdf.textRightAligned(money(member.total), right: columns.total, y: cursor.y, font: .bold, size: 7.5)
            cursor.y -= 11
            if index % 200 == 199 { try await buffer.flush() }
        }
        cursor.y -= 6
        pdf.line(from: (Self.margin, cursor.y + 13), to: (Self.right, cursor.y + 13))
        pdf.text(labels("document.total"), x: columns.account, y: cursor.y, font: .bold, size: 8)
        pdf.textRightAligned(money(document.total), right: columns.total, y: cursor.y, font: .bold, size: 8)
        cursor.y -= 20
        pdf.text(labels("document.itemised"), x: Self.margin, y: cursor.y, font: .bold, size: 11)
        cursor.y -= 10
        cursor.needsSectionTitle = false
    }

    /// Where the member list's columns stand: text from the left, amounts to the right.
    private struct MemberColumns {
        let account = BillPDF.margin
        let billNo = BillPDF.margin + 150
        let fee = BillPDF.right - 210
        let charges = BillPDF.right - 140
        let vat = BillPDF.right - 70
        let total = BillPDF.right
    }

    /// The line under a member's records: what its bill adds up to.
    private func subtotal(_ member: BillDocument.Member, pdf: PDFWriter, y: Double) {
        pdf.line(from: (Self.margin, y + 9), to: (Self.right, y + 9))
        let text = labels("document.subtotal")
            .replacingOccurrences(of: "{fee}", with: money(member.monthlyFee))
            .replacingOccurrences(of: "{charges}", with: money(member.usageCharges))
            .replacingOccurrences(of: "{vat}", with: money(member.vat))
        pdf.text(text, x: Self.margin, y: y, size: 8, gray: 0.25)
        pdf.textRightAligned(money(member.total), right: Self.right, y: y, font: .bold, size: 8.5)
    }

    private func footer(_ pdf: PDFWriter) throws {
        try Self.footerStatic(pdf)
    }

    fileprivate static func footerStatic(_ pdf: PDFWriter) throws {
        let text = "\(pdf.pageCount) /"
        pdf.textRightAligned(text, right: right - 14, y: 30, size: 8)
        pdf.pageCountPlaceholder(x: right - 11, y: 30)
    }
}

/// Collects PDF bytes and hands them on in large pieces.
final class ChunkBuffer: @unchecked Sendable {
    private var data = Data()
    private let sink: @Sendable (Data) async throws -> Void

    init(sink: @escaping @Sendable (Data) async throws -> Void) {
        self.sink = sink
    }

    func append(_ bytes: Data) {
        data.append(bytes)
    }

    func flush() async throws {
        guard !data.isEmpty else { return }
        let out = data
        data = Data()
        try await sink(out)
    }
}

import Foundation
import SelfCareCore

/// Everything a bill or group bill document shows, apart from the itemised records (which are streamed).
public struct BillDocument: Sendable {
    /// One member account of a group bill.
    public struct Member: Sendable {
        public var accountID: AccountID
        public var msisdn: MSISDN
        public var billNo: String
        public var monthlyFee: Money
        public var usageCharges: Money
        /// The VAT of the member's own bill, rounded there: the group's VAT is the sum of these.
        public var vat: Money
        public var total: Money

        public init(accountID: AccountID, msisdn: MSISDN, billNo: String, monthlyFee: Money, usageCharges: Money, vat: Money, total: Money) {
            self.accountID = accountID
            self.msisdn = msisdn
            self.billNo = billNo
            self.monthlyFee = monthlyFee
            self.usageCharges = usageCharges
            self.vat = vat
            self.total = total
        }
    }

    public var operatorName: String
    public var helpline: String
    public var portalURL: String
    public var isGroupBill: Bool
    public var billNo: String
    public var period: BillingPeriod
    public var billDate: CalendarDay
    public var dueDate: CalendarDay
    public var customerName: String
    /// The Account ID shown top-right (individual bills), or nil for a group bill.
    public var accountID: AccountID?
    public var msisdn: MSISDN?
    public var planName: String?
    /// The version of the plan the bill was issued with.
    public var planVersion: PlanVersion?
    public var clientReference: String
    public var monthlyFee: Money
    public var lines: [ChargeLine]
    public var amountExcludingVAT: Money
    public var vat: Money
    public var total: Money
    public var paid: Money
    public var members: [Member]

    public var remaining: Money { total - paid }

    public init(
        operatorName: String, helpline: String, portalURL: String, isGroupBill: Bool, billNo: String, period: BillingPeriod,
        billDate: CalendarDay, dueDate: CalendarDay, customerName: String, accountID: AccountID?, msisdn: MSISDN?, planName: String?,
        planVersion: PlanVersion? = nil, clientReference: String, monthlyFee: Money, lines: [ChargeLine], amountExcludingVAT: Money, vat: Money, total: Money, paid: Money,
        members: [Member]
    ) {
        self.operatorName = operatorName
        self.helpline = helpline
        self.portalURL = portalURL
        self.isGroupBill = isGroupBill
        self.billNo = billNo
        self.period = period
        self.billDate = billDate
        self.dueDate = dueDate
        self.customerName = customerName
        self.accountID = accountID
        self.msisdn = msisdn
        self.planName = planName
        self.planVersion = planVersion
        self.clientReference = clientReference
        self.monthlyFee = monthlyFee
        self.lines = lines
        self.amountExcludingVAT = amountExcludingVAT
        self.vat = vat
        self.total = total
        self.paid = paid
        self.members = members
    }
}

extension BillDocument {
    /// Which version of a plan: its number and the day it took effect (nil: in force since the plan was first known).
    public struct PlanVersion: Sendable, Hashable {
        public var number: Int
        public var effectiveFrom: CalendarDay?

        public init(number: Int, effectiveFrom: CalendarDay?) {
            self.number = number
            self.effectiveFrom = effectiveFrom
        }
    }
}

/// The itemised records of a bill, one account at a time, so a million-record group bill streams with flat memory.
public typealias ItemisedRecords = @Sendable (_ each: (AccountID, MSISDN, [RatedUsage]) async throws -> Void) async throws -> Void

/// Display helpers shared by the PDF and CSV documents.
public enum UsageFormatting {
    /// `5 min`, `1 SMS`, `12.35 MB`: the quantity of a record as a person reads it.
    public static func quantity(_ usage: RatedUsage, _ language: Language) -> String {
        switch usage.record.type {
        case .voice:
            let seconds = usage.record.durationSeconds
            return "\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)"
        case .sms: return "1 SMS"
        case .data: return megabytes(usage.quantity, language)
        }
    }

    /// Bytes as megabytes with two decimals (1 MB = 1,000,000 bytes).
    public static func megabytes(_ bytes: Int64, _ language: Language) -> String {
        let hundredths = (bytes + 5_000) / 10_000
        let text = "\(hundredths / 100)\(language == .french ? "," : ".")\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) MB"
        return text
    }

    /// Local date and time of a record: `2026-10-03 14:22`.
    public static func localTime(_ date: Date) -> String {
        let text = Timestamp.format(date)
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}

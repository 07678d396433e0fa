import Foundation
import SelfCareCore

/// The totals of one charge class: a bill's usage line, or the open period's charges so far.
package struct ChargeLineResource: Encodable, Sendable {
    package var chargeClass: String
    package var records: Int64
    package var quantity: Int64
    package var includedQuantity: Int64
    package var unit: String
    package var amount: MoneyAmount

    package init(_ line: ChargeLine) {
        chargeClass = line.chargeClass.rawValue
        records = line.records
        quantity = line.quantity
        includedQuantity = line.includedQuantity
        unit = line.chargeClass.unit.rawValue
        amount = MoneyAmount(line.amount)
    }
}

/// TMF678 customerBill.
package struct CustomerBillResource: Encodable, Sendable {
    package struct Period: Encodable, Sendable {
        package var startDateTime: String
        package var endDateTime: String
    }

    package struct TaxItem: Encodable, Sendable {
        package var taxCategory = "VAT"
        package var taxRate = 0.15
        package var taxAmount: MoneyAmount
    }

    package struct Document: Encodable, Sendable {
        package var mimeType: String
        package var href: String

        package init(mimeType: String, href: String) {
            self.mimeType = mimeType
            self.href = href
        }
    }

    package var id: String
    package var href: String
    package var billNo: String
    package var billDate: String
    package var paymentDueDate: String
    package var billingPeriod: Period?
    package var state: String
    package var billingAccount: ResourceReference
    package var monthlyFee: MoneyAmount
    package var usageCharges: MoneyAmount
    package var taxExcludedAmount: MoneyAmount
    package var taxItem: [TaxItem]
    package var taxIncludedAmount: MoneyAmount
    package var amountDue: MoneyAmount
    package var remainingAmount: MoneyAmount
    package var billLines: [ChargeLineResource]?
    package var billDocument: [Document]

    /// The bill `billNo` of `accountID` for `period`, as issued, with what remains to pay; `lines` when it is read alone.
    package init(
        billNo: String, accountID: String, period: String, billDate: String, dueDate: String, state: BillState, monthlyFee: Money,
        usageCharges: Money, amountExcludingVAT: Money, vat: Money, total: Money, remaining: Money, lines: [ChargeLine]?
    ) {
        id = billNo
        href = "/api/v1/customerBill/\(billNo)"
        self.billNo = billNo
        self.billDate = billDate
        paymentDueDate = dueDate
        billingPeriod = (try? BillingPeriod(period)).map {
            Period(startDateTime: Timestamp.format($0.start), endDateTime: Timestamp.format($0.end))
        }
        self.state = state.rawValue
        billingAccount = ResourceReference(id: accountID, href: "/api/v1/billingAccount/\(accountID)")
        self.monthlyFee = MoneyAmount(monthlyFee)
        self.usageCharges = MoneyAmount(usageCharges)
        taxExcludedAmount = MoneyAmount(amountExcludingVAT)
        taxItem = [TaxItem(taxAmount: MoneyAmount(vat))]
        taxIncludedAmount = MoneyAmount(total)
        amountDue = MoneyAmount(total)
        remainingAmount = MoneyAmount(remaining)
        billLines = lines?.map(ChargeLineResource.init)
        billDocument = [
            Document(mimeType: "application/pdf", href: "/api/v1/customerBill/\(billNo)/document?format=pdf"),
            Document(mimeType: "text/csv", href: "/api/v1/customerBill/\(billNo)/document?format=csv"),
        ]
    }

    package init(_ bill: BillView, lines: [ChargeLine]?) {
        self.init(
            billNo: bill.billNo, accountID: bill.accountID, period: bill.period, billDate: bill.billDate, dueDate: bill.dueDate,
            state: bill.state, monthlyFee: bill.monthlyFee, usageCharges: bill.usageCharges, amountExcludingVAT: bill.amountExcludingVAT,
            vat: bill.vat, total: bill.total, remaining: bill.remaining, lines: lines)
    }
}

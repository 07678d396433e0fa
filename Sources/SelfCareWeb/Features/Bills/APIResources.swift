import Foundation
import SelfCareCore
import SelfCareServices

/// TMF666 billingAccount.
struct APIBillingAccount: Encodable {
    var id: String
    var href: String
    var accountType = "postpaid"
    var state = "active"
    var msisdn: String
    var productOffering: ResourceReference
    var relatedParty: [ResourceReference]
    var amountDue: MoneyAmount
    var nextPaymentDueDate: String?

    init(_ balance: BalanceView) {
        let account = balance.account.account
        id = account.id.rawValue
        href = "/api/v1/billingAccount/\(account.id.rawValue)"
        msisdn = account.line.msisdn.e164
        productOffering = ResourceReference(id: account.line.planCode)
        relatedParty = [ResourceReference(id: account.clientReference, role: "customer")]
        amountDue = MoneyAmount(balance.amountDue)
        nextPaymentDueDate = balance.nextDueDate
    }
}

/// TMF635 usage with its rating.
struct APIUsage: Encodable {
    struct Characteristic: Encodable {
        var name: String
        var value: String
        var valueType: String
    }

    struct RatedProductUsage: Encodable {
        var ratingAmountType: String
        var usageRatingTag: String
        var includedQuantity: Int64
        var chargedQuantity: Int64
        var unit: String
        var taxExcludedRatingAmount: MoneyAmount
        var isBilled: Bool
    }

    var id: String
    var usageDate: String
    var usageType: String
    var status: String
    var billingAccount: ResourceReference
    var usageCharacteristic: [Characteristic]
    var ratedProductUsage: [RatedProductUsage]

    init(_ usage: RatedUsage, accountID: AccountID, billed: Bool) {
        let record = usage.record
        id = record.recordID
        usageDate = Timestamp.format(record.startedAt)
        usageType = record.type.rawValue
        status = billed ? "billed" : "rated"
        billingAccount = ResourceReference(id: accountID.rawValue, href: "/api/v1/billingAccount/\(accountID.rawValue)")
        var characteristics = [Characteristic(name: "msisdn", value: record.msisdn.e164, valueType: "string")]
        switch record.type {
        case .voice: characteristics.append(Characteristic(name: "durationSeconds", value: String(record.durationSeconds), valueType: "integer"))
        case .data: characteristics.append(Characteristic(name: "volumeBytes", value: String(record.volumeBytes), valueType: "integer"))
        case .sms: break
        }
        if let destination = record.destination { characteristics.append(Characteristic(name: "destination", value: destination, valueType: "string")) }
        if let country = record.roamingCountry { characteristics.append(Characteristic(name: "roamingCountry", value: country, valueType: "string")) }
        usageCharacteristic = characteristics
        ratedProductUsage = [RatedProductUsage(
            ratingAmountType: usage.chargeClass.rawValue,
            usageRatingTag: usage.isFullyIncluded ? "included" : (usage.includedQuantity > 0 ? "partlyIncluded" : "charged"),
            includedQuantity: usage.includedQuantity, chargedQuantity: usage.chargedQuantity, unit: usage.chargeClass.unit.rawValue,
            taxExcludedRatingAmount: MoneyAmount(usage.charge), isBilled: billed)]
    }
}

/// The open period's consumption of one account.
struct APIUsageSummary: Encodable {
    struct Meter: Encodable {
        var used: Int64
        var allowance: Int64
        var remaining: Int64
        var unit: String
    }

    var billingAccount: ResourceReference
    var period: String
    var voice: Meter
    var sms: Meter
    var data: Meter
    var charges: MoneyAmount
    var chargesByClass: [ChargeLineResource]

    init(account: AccountView, consumption: UsageService.Consumption) {
        let rating = consumption.rating
        billingAccount = ResourceReference(id: account.account.id.rawValue, href: "/api/v1/billingAccount/\(account.account.id.rawValue)")
        period = consumption.period.description
        voice = Meter(used: rating.voiceMinutes.used, allowance: rating.voiceMinutes.allowance, remaining: rating.voiceMinutes.remaining, unit: "minute")
        sms = Meter(used: rating.sms.used, allowance: rating.sms.allowance, remaining: rating.sms.remaining, unit: "message")
        data = Meter(used: rating.dataBytes.used, allowance: rating.dataBytes.allowance, remaining: rating.dataBytes.remaining, unit: "byte")
        charges = MoneyAmount(rating.usageCharges)
        chargesByClass = rating.lines.map(ChargeLineResource.init)
    }
}

/// A group bill: the client's bills of one period.
struct APIGroupBill: Encodable {
    var id: String
    var href: String
    var billNo: String
    var period: String
    var billDate: String
    var paymentDueDate: String
    var state: String
    var accountCount: Int
    var taxIncludedAmount: MoneyAmount
    var amountDue: MoneyAmount
    var remainingAmount: MoneyAmount
    var customerBill: [CustomerBillResource]?
    var billDocument: [CustomerBillResource.Document]

    init(_ group: GroupBillView, members: [BillView]?) {
        id = group.groupBillNo
        href = "/api/v1/groupBill/\(group.groupBillNo)"
        billNo = group.groupBillNo
        period = group.period
        billDate = group.billDate
        paymentDueDate = group.dueDate
        state = group.state.rawValue
        accountCount = group.accountCount
        taxIncludedAmount = MoneyAmount(group.total)
        amountDue = MoneyAmount(group.total)
        remainingAmount = MoneyAmount(group.remaining)
        customerBill = members?.map { CustomerBillResource($0, lines: nil) }
        billDocument = [
            .init(mimeType: "application/pdf", href: "/api/v1/groupBill/\(group.groupBillNo)/document?format=pdf"),
            .init(mimeType: "text/csv", href: "/api/v1/groupBill/\(group.groupBillNo)/document?format=csv"),
        ]
    }
}

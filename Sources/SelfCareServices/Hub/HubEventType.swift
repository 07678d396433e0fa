import Foundation

/// The events a subscription may ask for (TMF hub pattern).
package enum HubEventType: String, Sendable, CaseIterable, Codable {
    case customerBillCreate = "CustomerBillCreateEvent"
    case paymentStateChange = "PaymentStateChangeEvent"
    case usageThreshold = "UsageThresholdEvent"

    /// The scope a personal token needs to receive this event (a login session receives every one).
    package var readScope: APIScope {
        switch self {
        case .customerBillCreate: .billsRead
        case .usageThreshold: .usageRead
        case .paymentStateChange: .paymentsWrite
        }
    }

    /// `eventType=A,B` (or `eventType=A&eventType=B`, or `eventType in (A, B)`); empty for every type.
    static func parse(query: String?) -> [HubEventType]? {
        guard let query = query?.trimmingCharacters(in: .whitespaces), !query.isEmpty else { return allCases }
        var names: [String] = []
        for clause in query.split(separator: "&") {
            let text = clause.replacingOccurrences(of: " in ", with: "=").replacingOccurrences(of: " ", with: "")
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "eventType" else { return nil }
            names += parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",").map(String.init)
        }
        var types: [HubEventType] = []
        for name in names {
            guard let type = HubEventType(rawValue: name) else { return nil }
            if !types.contains(type) { types.append(type) }
        }
        return types.isEmpty ? nil : allCases.filter(types.contains)
    }
}

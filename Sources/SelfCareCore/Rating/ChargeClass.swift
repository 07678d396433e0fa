/// How a record is priced; bills group their usage lines by this class.
public enum ChargeClass: String, Sendable, Codable, CaseIterable, Comparable {
    case voiceOnNet
    case voiceOffNet
    case voiceInternational
    case voiceRoaming
    case smsNational
    case smsInternational
    case smsRoaming
    case dataNational
    case dataRoaming

    public var usageType: UsageType {
        switch self {
        case .voiceOnNet, .voiceOffNet, .voiceInternational, .voiceRoaming: .voice
        case .smsNational, .smsInternational, .smsRoaming: .sms
        case .dataNational, .dataRoaming: .data
        }
    }

    /// The unit quantities of this class are counted in.
    public var unit: UsageUnit {
        switch usageType {
        case .voice: .minute
        case .sms: .message
        case .data: .byte
        }
    }

    public static func < (lhs: ChargeClass, rhs: ChargeClass) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The unit of a usage quantity.
public enum UsageUnit: String, Sendable, Codable {
    case minute
    case message
    case byte
}

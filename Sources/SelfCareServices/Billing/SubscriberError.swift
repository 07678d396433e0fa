/// What a subscriber's views found inconsistent in the stored data.
package enum SubscriberError: Error, CustomStringConvertible {
    case unknownPlan(String)
    case inconsistent(String)
    case notFrozen(String)

    package var description: String {
        switch self {
        case .unknownPlan(let code): "plan \(code) is missing"
        case .inconsistent(let number): "bill \(number) does not match its account"
        case .notFrozen(let number): "bill \(number) has records without the rating its bill run stored"
        }
    }

}

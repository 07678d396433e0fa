/// How the money of a settled payment is spread over bills: an item for a bill goes to that bill; an item for a group
/// bill goes to its members in Account ID order, each taking at most what it still owes; no bill ever takes more than
/// it still owes; what no bill can take (paid meanwhile by another payment) is the payer's credit, never dropped.
public enum PaymentAllocation {
    /// What a payment was asked to pay.
    public enum Target: Sendable, Hashable {
        case bill(Int64)
        /// A group bill, by the row ids of its member bills in Account ID order.
        case group(members: [Int64])
    }

    public struct Item: Sendable, Hashable {
        public var target: Target
        public var amount: Money

        public init(target: Target, amount: Money) {
            self.target = target
            self.amount = amount
        }
    }

    /// The amounts each bill takes (by bill row id, in row id order) and what is left as credit.
    public struct Outcome: Sendable, Hashable {
        public var allocations: [(billID: Int64, amount: Money)]
        public var credit: Money

        public var applied: Money { allocations.reduce(.zero) { $0 + $1.amount } }

        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.credit == rhs.credit && lhs.allocations.map(\.billID) == rhs.allocations.map(\.billID)
                && lhs.allocations.map(\.amount) == rhs.allocations.map(\.amount)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(credit)
            for allocation in allocations {
                hasher.combine(allocation.billID)
                hasher.combine(allocation.amount)
            }
        }
    }

    /// Spreads `items` (totalling `total`) given what each bill still owes (`remaining`, by bill row id).
    public static func allocate(_ items: [Item], total: Money, remaining: [Int64: Money]) -> Outcome {
        var requested: [Int64: Money] = [:]
        for item in items {
            switch item.target {
            case .bill(let billID):
                requested[billID, default: .zero] += item.amount
            case .group(let members):
                var left = item.amount
                for member in members where left.cents > 0 {
                    let owed = (remaining[member] ?? .zero) - (requested[member] ?? .zero)
                    let share = Money(cents: min(left.cents, max(owed.cents, 0)))
                    guard share.cents > 0 else { continue }
                    requested[member, default: .zero] += share
                    left -= share
                }
            }
        }
        var allocations: [(billID: Int64, amount: Money)] = []
        for (billID, amount) in requested.sorted(by: { $0.key < $1.key }) {
            let share = Money(cents: min(amount.cents, max((remaining[billID] ?? .zero).cents, 0)))
            if share.cents > 0 { allocations.append((billID, share)) }
        }
        let applied = allocations.reduce(Money.zero) { $0 + $1.amount }
        return Outcome(allocations: allocations, credit: Money(cents: max(total.cents - applied.cents, 0)))
    }
}

/// The numbers of issued documents: a prefix, the period or year, and a sequence number unique across periods.
public enum DocumentNumber {
    /// `B202610-0000042` (bills), `G202610-0000007` (group bills).
    public static func forPeriod(_ prefix: String, _ period: BillingPeriod, _ sequence: Int64) -> String {
        "\(prefix)\(period.year)\(period.month < 10 ? "0" : "")\(period.month)-" + padded(sequence)
    }

    /// `R2026-0000042` (receipts), numbered in the year they are issued.
    public static func receipt(year: Int, _ sequence: Int64) -> String {
        "R\(year)-" + padded(sequence)
    }

    private static func padded(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }
}

import SelfCareCore
import SelfCareServices

/// A line's dashboard: what it owes and by when, this month's usage against the bundle, the charges beyond it, and
/// the totals of its last bills.
struct DashboardPage: Sendable {
    let account: AccountSummary
    let planName: String
    let period: String
    let amountDue: String
    let hasDue: Bool
    /// The earliest due date of the unpaid bills (empty when none is unpaid).
    let nextDue: String
    /// Some unpaid bill is past its due date.
    let overdue: Bool
    let meters: [UsageMeter]
    let outOfBundle: String
    let outOfBundleLines: [AmountLine]
    let hasOutOfBundle: Bool
    let chart: BillChart
    let forecast: ForecastSummary
    /// The login's credit from payments that found their bills paid, in words.
    let creditNotice: String?
}

/// One kind of usage against its allowance, drawn as a bar (`high` from 80 %, `full` at 100 %).
struct UsageMeter: Sendable {
    let label: String
    let used: String
    let allowance: String
    let remaining: String
    let percent: Int
    let full: Bool
    let high: Bool
}

/// A labelled amount.
struct AmountLine: Sendable {
    let label: String
    let amount: String
}

/// The last bills' totals as SVG bars (drawn server-side), with a text alternative.
struct BillChart: Sendable {
    let bars: [ChartBar]
    let hasBars: Bool
    let width: Int
    let description: String
}

/// One bar of the chart: its geometry, its labels and what it stands for.
struct ChartBar: Sendable {
    let x: Int
    let y: Int
    let height: Int
    let width: Int
    let labelX: Int
    let label: String
    let valueY: Int
    let value: String
    let period: String
    let total: String
}

extension UsageMeter {
    init(_ kind: String, used: Int64, allowance: Int64, unit: UsageUnit, _ language: Language, _ localizer: Localizer) {
        let percent = allowance > 0 ? min(100, Int(used * 100 / allowance)) : (used > 0 ? 100 : 0)
        self.init(
            label: localizer.text("usage.type.\(kind)", language),
            used: DisplayFormat.quantity(used, unit: unit, language),
            allowance: DisplayFormat.quantity(allowance, unit: unit, language),
            remaining: DisplayFormat.quantity(max(0, allowance - used), unit: unit, language),
            percent: percent, full: percent >= 100, high: percent >= 80)
    }
}

extension BillChart {
    static let barWidth = 36

    init(_ history: [(period: String, total: Money)], _ language: Language) {
        let maximum = max(history.map(\.total.cents).max() ?? 1, 1)
        let barWidth = Self.barWidth
        let bars = history.enumerated().map { index, item in
            let height = max(2, Int(item.total.cents * 120 / maximum))
            return ChartBar(
                x: 20 + index * (barWidth + 18), y: 140 - height, height: height, width: barWidth,
                labelX: 20 + index * (barWidth + 18) + barWidth / 2, label: DisplayFormat.shortPeriod(item.period, language),
                valueY: 134 - height, value: String(item.total.cents / 100),
                period: DisplayFormat.period(item.period, language), total: item.total.formatted(language))
        }
        let description = history.map { "\(DisplayFormat.period($0.period, language)): \($0.total.formatted(language))" }
            .joined(separator: "; ")
        self.init(bars: bars, hasBars: !history.isEmpty, width: 40 + history.count * (barWidth + 18), description: description)
    }
}

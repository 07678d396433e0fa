/// Dates and months as people read them in each language: `22 novembre 2026`, `October 2026`.
public enum CalendarText {
    static let french = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
    static let english = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let shortFrench = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    static let shortEnglish = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func monthName(_ month: Int, _ language: Language) -> String {
        (language == .french ? french : english)[month - 1]
    }

    /// The usual abbreviation: `juil.` (never `jui.`, which June shares), `Jul`.
    public static func shortMonthName(_ month: Int, _ language: Language) -> String {
        (language == .french ? shortFrench : shortEnglish)[month - 1]
    }

    public static func day(_ day: CalendarDay, _ language: Language) -> String {
        "\(day.day) \(monthName(day.month, language)) \(day.year)"
    }

    public static func period(_ period: BillingPeriod, _ language: Language) -> String {
        "\(monthName(period.month, language)) \(period.year)"
    }
}

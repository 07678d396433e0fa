/// How a card is shown to its holder: `Visa •••• 4242`. Only the brand and last four digits ever exist here.
public enum CardLabel {
    public static func text(brand: String?, last4: String) -> String {
        "\((brand ?? "card").capitalized) •••• \(last4)"
    }
}

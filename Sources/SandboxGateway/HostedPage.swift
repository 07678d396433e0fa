import Foundation
import SelfCareCore

/// The hosted card page and the 3-D Secure challenge, in French or English, plain HTML that works without script.
enum HostedPage {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The amount as the merchant's own pages write it in that language (`Rs 1,714.08`, `1 714,08 Rs`).
    static func amount(_ cents: Int64, french: Bool) -> String {
        Money(cents: cents).formatted(french ? .french : .english)
    }

    static func layout(title: String, french: Bool, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(french ? "fr" : "en")"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;background:#eef1f5;margin:0;color:#1d1d1f}
        main{max-width:26rem;margin:2rem auto;background:#fff;border-radius:.6rem;padding:1.5rem;box-shadow:0 1px 4px rgba(0,0,0,.1)}
        label{display:block;font-weight:600;margin:.8rem 0 .25rem}input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #888;border-radius:.3rem}
        .row{display:flex;gap:.75rem}.row>div{flex:1}button{margin-top:1.2rem;width:100%;padding:.75rem;font-size:1rem;font-weight:700;border:0;border-radius:.35rem;background:#1a4fb4;color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:#1a4fb4;border:1px solid #1a4fb4}.error{color:#b3261e;font-weight:600}.amount{font-size:1.6rem;font-weight:700}.muted{color:#5b5b60;font-size:.9rem}
        </style></head><body><main>
        <p class="muted">\(french ? "Passerelle de paiement de test (sandbox)" : "Test payment gateway (sandbox)")</p>
        \(body)
        </main></body></html>
        """
    }

    static func cardForm(_ session: CheckoutSession, merchant: String, french: Bool, error: String?, values: [String: String]) -> String {
        let t = { (fr: String, en: String) in french ? fr : en }
        let errorHTML = error.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        return layout(title: t("Paiement par carte", "Card payment"), french: french, body: """
            <h1>\(t("Paiement par carte", "Card payment"))</h1>
            <p>\(t("Payé à", "Paid to")) <strong>\(escape(merchant))</strong></p>
            <p class="amount">\(amount(session.amount, french: french))</p>
            \(session.description.map { "<p>\(t("Pour", "For")) \(escape($0))</p>" } ?? "")
            <p class="muted">\(t("Référence", "Reference")) \(escape(session.reference))</p>
            \(errorHTML)
            <form method="post" action="/pay/\(escape(session.id))?lang=\(french ? "fr" : "en")" autocomplete="on">
            <label for="cardholder_name">\(t("Nom sur la carte", "Name on card"))</label>
            <input id="cardholder_name" name="cardholder_name" autocomplete="cc-name" required value="\(escape(values["cardholder_name"] ?? ""))">
            <label for="card_number">\(t("Numéro de carte", "Card number"))</label>
            <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required>
            <div class="row"><div><label for="exp_month">\(t("Mois d'expiration", "Expiry month"))</label>
            <input id="exp_month" name="exp_month" inputmode="numeric" autocomplete="cc-exp-month" placeholder="MM" required value="\(escape(values["exp_month"] ?? ""))"></div>
            <div><label for="exp_year">\(t("Année", "Year"))</label>
            <input id="exp_year" name="exp_year" inputmode="numeric" autocomplete="cc-exp-year" placeholder="\(t("AAAA", "YYYY"))" required value="\(escape(values["exp_year"] ?? ""))"></div>
            <div><label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required></div></div>
            <button type="submit">\(t("Payer", "Pay")) \(amount(session.amount, french: french))</button>
            </form>
            <form method="post" action="/pay/\(escape(session.id))/cancel"><button class="secondary" type="submit">\(t("Annuler et revenir", "Cancel and go back"))</button></form>
            """)
    }

    static func challenge(_ session: CheckoutSession, french: Bool) -> String {
        let t = { (fr: String, en: String) in french ? fr : en }
        return layout(title: "3-D Secure", french: french, body: """
            <h1>3-D Secure</h1>
            <p>\(t("Votre banque demande de confirmer ce paiement de", "Your bank asks you to confirm this payment of")) <strong>\(amount(session.amount, french: french))</strong>.</p>
            <form method="post" action="/pay/\(escape(session.id))/3ds"><input type="hidden" name="decision" value="approve">
            <button type="submit">\(t("Confirmer le paiement", "Approve the payment"))</button></form>
            <form method="post" action="/pay/\(escape(session.id))/3ds"><input type="hidden" name="decision" value="deny">
            <button class="secondary" type="submit">\(t("Refuser", "Deny"))</button></form>
            """)
    }

    static func closed(french: Bool) -> String {
        layout(title: french ? "Paiement terminé" : "Payment closed", french: french, body: french
            ? "<h1>Ce paiement n'est plus ouvert.</h1><p>Revenez sur le site du marchand.</p>"
            : "<h1>This payment is no longer open.</h1><p>Go back to the merchant's site.</p>")
    }
}

import SelfCareCore

/// Money as the API and the events carry it (TM Forum `Money`): `{"value": "1234.50", "unit": "MUR"}`.
package struct MoneyAmount: Encodable, Sendable {
    package var value: String
    package var unit = Money.currency

    package init(_ money: Money) {
        value = money.decimalString
    }
}

/// A reference to another resource (TM Forum `EntityRef`); what is nil is left out.
package struct ResourceReference: Encodable, Sendable {
    package var id: String
    package var href: String?
    package var name: String?
    package var role: String?

    package init(id: String, href: String? = nil, name: String? = nil, role: String? = nil) {
        self.id = id
        self.href = href
        self.name = name
        self.role = role
    }
}

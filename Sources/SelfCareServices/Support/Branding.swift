/// The operator's name, helpline and legal text shown on every page; the project is for any operator.
package struct Branding: Sendable, Equatable {
    package var operatorName: String = "Mobile Operator"
    package var helpline: String = "8900"
    package var website: String = "selfcare.example"
    package var termsVersion: String = "2026-11"

    package init() {}

    package static func load(_ value: (String) -> String?) -> Branding {
        var branding = Branding()
        if let name = value("OPERATOR_NAME") { branding.operatorName = name }
        if let helpline = value("OPERATOR_HELPLINE") { branding.helpline = helpline }
        if let website = value("OPERATOR_WEBSITE") { branding.website = website }
        return branding
    }
}

import Mustache

/// A page model as Mustache reads it fastest: every struct a template walks into becomes a dictionary once per render,
/// so each name a template looks up is one dictionary read instead of a reflection of the whole struct (a page looks
/// up hundreds of names, most of them through several levels of the stack).
enum MustacheValues {
    /// `value` with its structs and classes as dictionaries of their stored properties (absent when nil), arrays and
    /// dictionaries converted element by element; values that describe themselves (strings, numbers, Booleans,
    /// identifiers, amounts) and enums stay as they are, so they render exactly as before.
    static func of(_ value: Any) -> Any {
        if value is String || value is any MustacheParent { return value }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .collection:
            return mirror.children.compactMap { unwrapped($0.value).map(of) }
        case _ where value is any CustomStringConvertible:
            return value
        case .struct, .class:
            var fields: [String: Any] = [:]
            fields.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                guard let label = child.label, let present = unwrapped(child.value) else { continue }
                fields[label] = of(present)
            }
            return fields
        case .optional:
            return unwrapped(value).map(of) as Any
        default:
            return value
        }
    }

    /// The value an Optional holds, or nil; anything else as it is.
    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}

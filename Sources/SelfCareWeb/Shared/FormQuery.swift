import Foundation
import Hummingbird

extension Parameters {
    /// The text a GET form sent as `name`, empty when absent. A form sends its spaces as "+", which the query's
    /// percent-decoding keeps: they are read as spaces here.
    func formText(_ name: String) -> String {
        (get(name) ?? "").replacingOccurrences(of: "+", with: " ")
    }
}

/// A list of names in a message, cut short: `a, b, c and 219 more` (an aggregate's 3,000 inputs in a line).
package enum Listing {
    package static func names(_ items: [String], shown: Int = 3) -> String {
        items.count <= shown
            ? items.joined(separator: ", ") : items.prefix(shown).joined(separator: ", ") + " and \(items.count - shown) more"
    }
}

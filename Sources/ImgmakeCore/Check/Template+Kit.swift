import ImgmakeRecipe

extension Template {
    /// The expansion, or nil when a placeholder has no value (the checker has already refused those).
    func expanded(_ values: [String: String]) -> String? { try? expand(values) }

    /// Where the first placeholder called `name` stands, given where the template itself starts.
    func location(ofName name: String, in templateLocation: SourceLocation) -> SourceLocation {
        placeholders.first { $0.name == name }.map { location(of: $0, in: templateLocation) } ?? templateLocation
    }
}

/// Which characters the names in a recipe may use.
enum RecipeNames {
    /// Rule, group and variable names: letters, digits, `_`, `-` and `.`.
    static func isTargetNameCharacter(_ character: Character) -> Bool {
        isArgumentNameCharacter(character) || character == "."
    }

    /// Operation and argument names: letters, digits, `_` and `-`.
    static func isArgumentNameCharacter(_ character: Character) -> Bool {
        Template.isNameCharacter(character) || character == "-"
    }

    /// Space or tab: what separates words and indents a rule body.
    static func isBlank(_ character: Character) -> Bool {
        character == " " || character == "\t"
    }
}

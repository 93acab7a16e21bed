/// The recipe the completion tests complete targets of (the script tests, and both sides of the fast path's
/// comparison with swift-argument-parser): rules whose names share a prefix, an aggregate and a group.
package enum CompletionTestRecipe {
    package static let text = """
        thumbs: build/{name}.webp <- photos/*.jpg
            thumbnail 100
        thumbs_large: build/large/{name}.webp <- photos/*.jpg
            thumbnail 1000
        sheet: build/sheet.jpg <- build/*.webp
            arrayjoin across=2
        everything: thumbs sheet

        """
}

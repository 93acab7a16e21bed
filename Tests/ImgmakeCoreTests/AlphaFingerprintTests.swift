import ImgmakeJob
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Outputs whose saver cannot keep alpha are now flattened on white: their fingerprint changes (so they are
/// rebuilt after an upgrade), the others' does not.
@Suite struct AlphaFingerprintTests {
    @Test func flatteningOnWhiteChangesTheFingerprintOfOnlyTheJobsThatDoIt() {
        let plain = ImageJob(
            sources: ["/r/a.png"], isAggregate: false, loadOptions: [], steps: [], saver: "jpegsave",
            saveOptions: [], maxPixels: 0)
        var onWhite = plain
        onWhite.flattensAlphaOnWhite = true
        #expect(
            RecipeFingerprint.of(onWhite, root: "/r", libraryVersion: "v") != RecipeFingerprint.of(plain, root: "/r", libraryVersion: "v"))
        #expect(FakeCatalog().saverKeepsAlpha("webpsave") && !FakeCatalog().saverKeepsAlpha("jpegsave"))
    }
}

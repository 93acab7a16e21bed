import Foundation
import Testing

/// `imgmake ops` (and the shell's `ops`) on the words that are no libvips step: `load` and `save`, savers and
/// loaders (which a recipe uses through `save` and `load`), and a misspelt operation.
@Suite struct OperationHelpTests {
    @Test func opsSaveAndLoadExplainTheStepsAboveTheirLists() throws {
        let box = try Sandbox("opssave")
        let save = try box.imgmake("ops", "save")
        #expect(save.status == 0, "\(save)")
        #expect(save.stdout.hasPrefix("save OPTIONS    (a rule's last step; implicit when missing)\n"), "\(save)")
        #expect(save.stdout.contains("save Q=85 strip=true"), "\(save)")
        #expect(save.stdout.contains("operations matching 'save':\n") && save.stdout.contains("webpsave"), "\(save)")
        let load = try box.imgmake("ops", "load")
        #expect(load.status == 0, "\(load)")
        #expect(load.stdout.hasPrefix("load OPTIONS    (a rule's first step; optional)\n"), "\(load)")
        #expect(load.stdout.contains("operations matching 'load':\n") && load.stdout.contains("jpegload"), "\(load)")
    }

    @Test func aSaverOrALoaderSaysHowARecipeUsesIt() throws {
        let box = try Sandbox("opssaver")
        let saver = try box.imgmake("ops", "jpegsave")
        #expect(saver.status == 0, "\(saver)")
        #expect(!saver.stdout.contains("usage in a step"), "\(saver)")
        let usage = saver.stdout.replacingOccurrences(of: "\n   ", with: " ")  // the usage is wrapped
        #expect(usage.contains("use `save OPTIONS` as the last step of a rule whose output ends in .jpg, .jpeg"), "\(saver)")
        #expect(saver.stdout.contains("optional arguments:"), "\(saver)")
        let loader = try box.imgmake("ops", "jpegload")
        #expect(loader.status == 0, "\(loader)")
        #expect(!loader.stdout.contains("usage in a step"), "\(loader)")
        #expect(
            loader.stdout.replacingOccurrences(of: "\n   ", with: " ").contains("loaders are picked by each input's content"), "\(loader)")
        let shell = try box.imgmake(arguments: ["shell", "-c", "ops pngsave"])
        #expect(shell.status == 0, "\(shell)")
        #expect(shell.stdout.replacingOccurrences(of: "\n   ", with: " ").contains("whose output ends in .png"), "\(shell)")
    }

    @Test func aMisspeltOperationGetsASuggestion() throws {
        let box = try Sandbox("opstypo")
        let typo = try box.imgmake("ops", "thumbnial")
        #expect(typo.status == 2, "\(typo)")
        #expect(typo.stderr.contains("no operation matches 'thumbnial' (did you mean 'thumbnail'?)"), "\(typo)")
        let shell = try box.imgmake(arguments: ["shell", "-c", "ops thumbnial"])
        #expect(shell.status == 2, "\(shell)")
        #expect(shell.stderr.contains("(did you mean 'thumbnail'?)"), "\(shell)")
        let nothing = try box.imgmake("ops", "no-such-operation-at-all")
        #expect(nothing.status == 2 && !nothing.stderr.contains("did you mean"), "\(nothing)")
    }
}

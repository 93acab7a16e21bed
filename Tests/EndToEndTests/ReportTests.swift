import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `--report` and `--junit` as CI reads them: after a dry run, and for file names XML cannot hold as they are.
@Suite struct ReportTests {
    @Test func dryRunReportsSayWhatWouldBeBuilt() throws {
        let box = try PhotoProject.make("dry-report")
        try box.image("photos/b.png", seed: 9)  // new pixels: the sheet is rebuilt too
        try box.touch("photos/b.png")
        let before = box.stamps()
        let dry = try box.imgmake("-n", "--report", "report.json", "--junit", "junit.xml")
        #expect(dry.status == 0, "\(dry)")
        #expect(box.changed(since: before) == ["junit.xml", "report.json"], "\(dry)")
        #expect(dry.summary?.toBuild == 4 && dry.summary?.upToDate == 6, "\(dry)")

        let json = try #require(try JSONSerialization.jsonObject(with: box.data("report.json")) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["built"] as? Int == 0, "\(summary)")
        #expect(summary["would-build"] as? Int == 4, "\(summary)")
        #expect(summary["up-to-date"] as? Int == 6, "\(summary)")
        let outputs = json["outputs"] as? [[String: Any]] ?? []
        #expect(Set(outputs.compactMap { $0["target"] as? String }) == PhotoProject.allOutputs, "every output has a record")
        let wouldBuild = Dictionary(
            outputs.filter { $0["status"] as? String == "would-build" }
                .map { ($0["target"] as! String, $0["reason"] as! String) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(wouldBuild.keys) == PhotoProject.outputs(of: "b").union(["build/sheet.jpg"]), "\(outputs)")
        #expect(wouldBuild["build/thumbs/b.webp"] == "its input photos/b.png is newer", "\(wouldBuild)")
        #expect(!outputs.contains { $0["status"] as? String == "built" }, "\(outputs)")

        let junit = try box.read("junit.xml")
        #expect(
            junit.contains(
                """
                name="build/thumbs/b.webp" time="0.0">
                      <skipped message="would build: its input photos/b.png is newer"/>
                """), "\(junit)")
        #expect(junit.components(separatedBy: "<skipped message=\"would build: ").count - 1 == 4, "\(junit)")

        // The real build then builds those four.
        try box.expectBuild(rebuilds: PhotoProject.outputs(of: "b").union(["build/sheet.jpg"]))
    }

    /// A report that cannot be written (here its folder does not exist) is one line naming the file and the
    /// system's cause, from the command line and from the shell alike, and exit 74.
    @Test func aReportThatCannotBeWrittenIsOneLineNamingTheFileAndTheCause() throws {
        let box = try PhotoProject.make("unwritable-report")
        let build = try box.imgmake("-B", "--report", "missing/report.json", "--junit", "missing/junit.xml")
        #expect(build.status == 74, "\(build)")
        let shell = try box.imgmake("shell", "-c", "build -B --report missing/report.json --junit missing/junit.xml")
        #expect(shell.status == 74, "\(shell)")
        for result in [build, shell] {
            let errors = result.stderr.split(separator: "\n").filter { $0.contains("error") }
            #expect(
                errors == [
                    "imgmake: error: cannot write report missing/report.json: No such file or directory",
                    "imgmake: error: cannot write report missing/junit.xml: No such file or directory",
                ], "\(result)")
        }
    }

    @Test func junitParsesForFileNamesWithControlCharacters() throws {
        let box = try Sandbox("junit-names")
        let names = ["ctl\u{01}a", "esc\u{1B}[1mbold", "tab\there", "quote\"s'", "x<&>y", "été-日本"]
        for (i, name) in names.enumerated() { try box.image("photos/\(name).png", width: 16, height: 16, seed: i + 1) }
        try box.write("Imgmakefile", "thumbs: build/{name}.webp <- photos/*.png\n    thumbnail 8\n")
        let result = try box.imgmake("--report", "report.json", "--junit", "junit.xml")
        #expect(result.status == 0, "\(result)")

        let xml = try box.data("junit.xml")
        let parser = XMLParser(data: xml)
        let collector = NameCollector()
        parser.delegate = collector
        #expect(
            parser.parse(),
            "junit.xml is not well-formed XML: \(String(describing: parser.parserError))\n\(String(decoding: xml, as: UTF8.self))")
        #expect(
            Set(collector.testCases) == [
                "build/ctl\\u{1}a.webp", "build/esc\\u{1B}[1mbold.webp", "build/tab\there.webp",
                "build/quote\"s'.webp", "build/x<&>y.webp", "build/été-日本.webp",
            ], "\(collector.testCases)")

        let json = try #require(try JSONSerialization.jsonObject(with: box.data("report.json")) as? [String: Any])
        let targets = ((json["outputs"] as? [[String: Any]]) ?? []).compactMap { $0["target"] as? String }
        #expect(Set(targets) == Set(names.map { "build/\($0).webp" }), "\(targets)")
    }

    final class NameCollector: NSObject, XMLParserDelegate {
        var testCases: [String] = []
        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String]
        ) {
            if elementName == "testcase", let name = attributes["name"] { testCases.append(name) }
        }
    }
}

import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `--report` (JSON) and `--junit` (JUnit XML) on an in-memory tree: what a dry run reports, and names that
/// XML cannot carry as they are.
@Suite struct BuildReportTests {
    static let recipe = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        sheet: build/sheet.jpg <- build/thumbs/*.webp
            arrayjoin across=2
        """

    /// A build of `targets` with the fake pool; its summary, the builder's results and the two reports.
    func build(_ tree: TestTree, _ targets: [String] = ["thumbs", "sheet"], dryRun: Bool = false)
        throws -> (summary: BuildSummary, json: [String: Any], junit: String, written: [String])
    {
        let (session, builder, executor) = try tree.makeBuilder { $0.dryRun = dryRun }
        let summary = try builder.build(session.edges(for: targets))
        tree.disk.advance()
        let data = try BuildReport.json(results: builder.results, graph: session.graph, summary: summary)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let junit = BuildReport.junit(results: builder.results, graph: session.graph, summary: summary)
        return (summary, json, junit, executor.written)
    }

    /// target → (status, reason) of the JSON report.
    func records(_ json: [String: Any]) throws -> [String: (status: String, reason: String)] {
        var result: [String: (status: String, reason: String)] = [:]
        for record in json["outputs"] as? [[String: Any]] ?? [] {
            let target = try #require(record["target"] as? String)
            result[target] = (try #require(record["status"] as? String), try #require(record["reason"] as? String))
        }
        return result
    }

    @Test func dryRunReportsEveryOutputAndBuildsNone() throws {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        _ = try build(tree)
        tree.disk.write("/t/photos/b.jpg", "new pixels")
        tree.disk.advance()

        let dry = try build(tree, dryRun: true)
        #expect(dry.written.isEmpty)
        #expect(dry.summary.built == 0)
        #expect(dry.summary.upToDate == 1)
        #expect(dry.summary.line.hasPrefix("2 to build, 1 up to date"))
        let summary = try #require(dry.json["summary"] as? [String: Any])
        #expect(summary["built"] as? Int == 0)
        #expect(summary["would-build"] as? Int == 2)
        #expect(summary["up-to-date"] as? Int == 1)
        let dryRecords = try records(dry.json)
        #expect(dryRecords.count == 3, "every output has a record: \(dryRecords)")
        #expect(dryRecords["build/thumbs/a.webp"]?.status == "up-to-date")
        #expect(dryRecords["build/thumbs/b.webp"]?.status == "would-build")
        #expect(dryRecords["build/thumbs/b.webp"]?.reason == "its input photos/b.jpg is newer")
        #expect(dryRecords["build/sheet.jpg"]?.status == "would-build")
        #expect(dryRecords["build/sheet.jpg"]?.reason.isEmpty == false)

        // JUnit: the stale outputs are skipped test cases that say why, never passed ones.
        #expect(
            dry.junit.contains(
                """
                <testcase classname="thumbs" name="build/thumbs/b.webp" time="0.0">
                      <skipped message="would build: its input photos/b.jpg is newer"/>
                """), "\(dry.junit)")
        #expect(dry.junit.contains("<testcase classname=\"thumbs\" name=\"build/thumbs/a.webp\" time=\"0.0\"/>"), "\(dry.junit)")
        #expect(dry.junit.contains("<testsuite name=\"thumbs\" tests=\"2\" failures=\"0\" skipped=\"1\""), "\(dry.junit)")
        #expect(dry.junit.contains("<testsuite name=\"sheet\" tests=\"1\" failures=\"0\" skipped=\"1\""), "\(dry.junit)")

        // The dry run changed nothing: the real build still builds both.
        let real = try build(tree)
        #expect(real.written.sorted() == ["/t/build/sheet.jpg", "/t/build/thumbs/b.webp"])
        #expect(real.summary.built == 2)
        #expect((real.json["summary"] as? [String: Any])?["would-build"] as? Int ?? 0 == 0)
        #expect(try records(real.json)["build/thumbs/b.webp"]?.status == "built")
    }

    /// Names with characters XML 1.0 cannot hold (not even as `&#1;`), and ones it must escape.
    static let awkwardNames = ["ctl\u{01}a", "esc\u{1B}[31mred", "tab\there", "quote\"s'", "x<&>y", "photo-é-日本-🙂"]

    @Test func junitIsWellFormedXMLForAnyFileName() throws {
        let tree = TestTree(recipe: Self.recipe, files: Self.awkwardNames.map { "photos/\($0).jpg" })
        let result = try build(tree, ["thumbs"])
        let xml = result.junit
        #expect(XMLCheck.errors(xml).isEmpty, "\(XMLCheck.errors(xml))\n\(xml)")
        for scalar in xml.unicodeScalars {
            let allowed =
                scalar == "\t" || scalar == "\n" || scalar == "\r"
                || scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
            #expect(allowed, "U+\(String(scalar.value, radix: 16)) in the XML")
        }
        #expect(!xml.contains("&#1;") && !xml.contains("&#27;"), "\(xml)")
        // The names stay readable: a visible escape for control characters, the rest as written.
        let names = XMLCheck.attributes("name", of: "testcase", in: xml)
        #expect(
            Set(names) == [
                "build/thumbs/ctl\\u{1}a.webp", "build/thumbs/esc\\u{1B}[31mred.webp", "build/thumbs/tab\there.webp",
                "build/thumbs/quote\"s'.webp", "build/thumbs/x<&>y.webp", "build/thumbs/photo-é-日本-🙂.webp",
            ], "\(names)")

        // JSON: the same names, exactly.
        let targets = Set((result.json["outputs"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? String })
        #expect(targets == Set(Self.awkwardNames.map { "build/thumbs/\($0).webp" }))
    }

    @Test func jsonEscapesControlCharacters() throws {
        let tree = TestTree(recipe: Self.recipe, files: Self.awkwardNames.map { "photos/\($0).jpg" })
        let (session, builder, _) = try tree.makeBuilder { $0 = Builder.Options() }
        let summary = try builder.build(session.edges(for: ["thumbs"]))
        let data = try BuildReport.json(results: builder.results, graph: session.graph, summary: summary)
        // RFC 8259: control characters only as escapes.
        #expect(!data.contains { $0 < 0x20 && $0 != 0x0A && $0 != 0x20 }, "raw control bytes in \(String(decoding: data, as: UTF8.self))")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("ctl\\u0001a"), "\(text)")
        #expect(text.lowercased().contains("esc\\u001b[31mred"), "\(text)")
        let decoded = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let targets = Set((decoded?["outputs"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? String })
        #expect(targets == Set(Self.awkwardNames.map { "build/thumbs/\($0).webp" }))
    }
}

/// A strict XML 1.0 parser (libxml2 through Foundation's XMLParser).
enum XMLCheck {
    final class Collector: NSObject, XMLParserDelegate {
        var errors: [String] = []
        var element = ""
        var attribute = ""
        var values: [String] = []
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            errors.append("line \(parser.lineNumber): \(parseError)")
        }
        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String]
        ) {
            if elementName == element, let value = attributes[attribute] { values.append(value) }
        }
    }

    static func errors(_ xml: String) -> [String] {
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        if !parser.parse() && collector.errors.isEmpty {
            collector.errors.append("\(parser.parserError.map { "\($0)" } ?? "parse failed")")
        }
        return collector.errors
    }

    /// The values of `attribute` on every `element`, as a parser reads them.
    static func attributes(_ attribute: String, of element: String, in xml: String) -> [String] {
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        collector.element = element
        collector.attribute = attribute
        parser.delegate = collector
        _ = parser.parse()
        return collector.values
    }
}

import Foundation
import Testing

/// `man/`: the committed manual pages are what `imgmake --generate-manual` writes now, one per public
/// subcommand and none for `__worker`, and each renders with man(1) and groff without a warning.
@Suite struct ManualPageTests {
    static let pages = [
        "imgmake.1", "imgmake-build.1", "imgmake-shell.1", "imgmake-list.1", "imgmake-explain.1", "imgmake-graph.1",
        "imgmake-clean.1", "imgmake-ops.1",
    ]

    static func committed(_ page: String) -> String {
        Imgmake.repository + "/man/" + page
    }

    @Test func committedPagesAreUpToDate() throws {
        let box = try Sandbox("manual")
        let run = try box.imgmake("--generate-manual", "fresh")
        #expect(run.status == 0, "\(run)")
        let fresh = try FileManager.default.contentsOfDirectory(atPath: box.root + "/fresh").sorted()
        #expect(fresh == Self.pages.sorted(), "\(fresh)")
        let saved = try FileManager.default.contentsOfDirectory(atPath: Imgmake.repository + "/man").sorted()
        #expect(saved == fresh, "man/ holds other pages than imgmake writes: run scripts/generate-manual.sh")
        for page in fresh {
            let text = try String(contentsOfFile: box.root + "/fresh/" + page, encoding: .utf8)
            let committed = try? String(contentsOfFile: Self.committed(page), encoding: .utf8)
            #expect(committed == text, "man/\(page) is out of date: run scripts/generate-manual.sh")
        }
    }

    /// man(1) as a user runs it, 80 columns wide: its status, its stderr and the text.
    func man(_ page: String) throws -> RunResult {
        try runProgram(
            "man", ["-l", Self.committed(page)], in: NSTemporaryDirectory(),
            environment: ["MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat"])
    }

    @Test(arguments: pages)
    func pageRendersWithoutWarnings(page: String) throws {
        try #require(which("man") != nil && which("groff") != nil, "man and groff are needed: apt-get install man-db groff-base")
        let rendered = try man(page)
        #expect(rendered.status == 0, "\(rendered)")
        #expect(!rendered.stderr.lowercased().contains("warning"), "\(page): \(rendered.stderr)")
        #expect(rendered.stdout.contains("SYNOPSIS") && rendered.stdout.contains("OPTIONS"), "\(rendered)")
        // groff with every warning on, output discarded: nothing to say.
        let groff = try runProgram("groff", ["-man", "-ww", "-z", Self.committed(page)], in: NSTemporaryDirectory())
        #expect(groff.status == 0 && groff.stderr.isEmpty, "\(page): \(groff)")
    }

    /// A page as man(1) renders it, each run of spaces and line breaks made one space (lines are filled).
    func words(_ page: String) throws -> String {
        try man(page).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func mainPageSaysTheSynopsisOptionsExitStatusAndFiles() throws {
        let text = try words("imgmake.1")
        for expected in [
            "imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]", "imgmake shell [OPTIONS] [NAME=VALUE...]",
            "-j, --jobs N", "(default: the number of cores)", "--check mtime|hash", "--shard K/N|auto", "--question",
            "EXIT STATUS", "THE RECIPE LANGUAGE", "(?i)", "{path}", "ENVIRONMENT", "IMGMAKE_REMOTE_CACHE_READ_ONLY",
            "GITHUB_STEP_SUMMARY", "FILES", ".imgmake/log.shard-K-of-N", ".imgmake/catalog.json", "~/.cache/imgmake/version",
            "EXAMPLES", "SEE ALSO", "imgmake-build(1)", "make(1)", "ninja(1)", "vips(1)", "vipsthumbnail(1)", "imgmake 0.1.0",
        ] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
        // Each exit code at the start of its line in EXIT STATUS, and the interrupted ones.
        let exitStatus = try #require(text.components(separatedBy: " EXIT STATUS ").last?.components(separatedBy: " ENVIRONMENT ").first)
        for (code, meaning) in [
            ("0", "All good."), ("1", "A job failed"), ("2", "A recipe or usage error"), ("71", "The system refused a thread"),
            ("74", "Every job succeeded but the build state could not be saved"), ("75", "Another build of the tree is running"),
        ] {
            #expect(exitStatus.contains(" \(code) \(meaning)") || exitStatus.hasPrefix("\(code) \(meaning)"), "\(code) in \(exitStatus)")
        }
        #expect(exitStatus.contains("With --question: 0 when every target is up to date, 1 when something is stale, 2 on any error."))
        for interrupted in ["130 Ctrl-C (SIGINT)", "143 SIGTERM", "129 SIGHUP", "141 a closed pipe"] {
            #expect(exitStatus.contains(interrupted), "\(interrupted) in \(exitStatus)")
        }
        #expect(!text.contains("__worker") && !text.contains("default: \(ProcessInfo.processInfo.activeProcessorCount))"), "\(text)")
    }

    @Test func eachSubcommandPageHasItsSynopsisAndOptions() throws {
        let expected = [
            "imgmake-build.1": ["imgmake build [OPTIONS] [TARGET|NAME=VALUE...]", "--jobs N", "--shard K/N|auto", "EXIT STATUS", "75"],
            "imgmake-shell.1": ["imgmake shell [OPTIONS] [NAME=VALUE...]", "-c COMMANDS", "watch [TARGET...]"],
            "imgmake-list.1": ["imgmake list [OPTIONS] [NAME=VALUE...]", "--json"],
            "imgmake-explain.1": ["imgmake explain [OPTIONS] [OUTPUT...]", "--json", "--check mtime|hash"],
            "imgmake-graph.1": ["imgmake graph [OPTIONS] [TARGET...]", "--rules"],
            "imgmake-clean.1": ["imgmake clean [OPTIONS] [TARGET...]", "--orphans", "-n, --dry-run", "--no-wait"],
            "imgmake-ops.1": ["imgmake ops [OPTIONS] [FILTER|OPERATION]", "FILTER|OPERATION"],
        ]
        for (page, phrases) in expected {
            let text = try words(page)
            for phrase in phrases + ["SEE ALSO", "imgmake(1)"] {
                #expect(text.contains(phrase), "\(phrase) in \(page): \(text)")
            }
            #expect(!text.contains("__worker"), "\(page): \(text)")
        }
        // The pool's default depends on the machine (process under a memory limit): the pages do not say one.
        let build = try words("imgmake-build.1")
        #expect(!build.contains("default: thread") && !build.contains("default: process"), "\(build)")
    }
}

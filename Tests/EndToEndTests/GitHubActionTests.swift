import Foundation
import ImgmakeCore
import Testing

/// Issue 18 (in part): `action.yml`, a composite action that installs a released .deb and caches `.imgmake/` and
/// the outputs, and the CI examples that use it (or the .deb) instead of compiling imgmake in every shard. The
/// action cannot run here (no GitHub); its YAML is parsed, its defaults checked against the one version, and its
/// install script run with curl, sudo and apt-get stubbed, to see what it would download and install.
@Suite struct GitHubActionTests {
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// The action as JSON (PyYAML: Debian's python3-yaml).
    func action() throws -> [String: Any] {
        let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        let parsed = try runProgram(Self.python, ["-c", script, Imgmake.repository + "/action.yml"], in: Imgmake.repository)
        try #require(parsed.status == 0, "\(parsed)")
        return try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any])
    }

    @Test func theActionInstallsTheReleasedDebAndCaches() throws {
        let action = try action()
        let inputs = try #require(action["inputs"] as? [String: [String: Any]])
        #expect("\(inputs["version"]?["default"] ?? "")" == ImgmakeVersion.current, "the action installs this version by default")
        let runs = try #require(action["runs"] as? [String: Any])
        #expect(runs["using"] as? String == "composite")
        let steps = try #require(runs["steps"] as? [[String: Any]])
        #expect(steps.contains { $0["uses"] as? String == "actions/cache@v4" })
        let script = try #require(steps.first { $0["id"] as? String == "install" }?["run"] as? String)

        // The script with curl, sudo and apt-get stubbed: what it downloads, what it installs, what it outputs.
        let box = try Sandbox("action")
        let stubs = box.base + "/stubs"
        try FileManager.default.createDirectory(atPath: stubs, withIntermediateDirectories: true)
        let calls = box.base + "/calls"
        for (name, body) in [
            ("curl", "echo \"curl $*\" >> '\(calls)'; while [ $# -gt 1 ]; do [ \"$1\" = -o ] && : > \"$2\"; shift; done"),
            ("sudo", "\"$@\""), ("apt-get", "echo \"apt-get $*\" >> '\(calls)'"),
            ("imgmake", "echo 'imgmake \(ImgmakeVersion.current)'; echo 'libvips 8.14.1'"),
        ] {
            try box.writeExecutable(stubs + "/" + name, "#!/bin/sh\n" + body + "\n")
        }
        try box.write("script.sh", script)
        let output = box.base + "/github-output"
        let run = try runProgram(
            "/bin/bash", [box.path("script.sh")], in: box.root,
            environment: [
                "PATH": stubs + ":/usr/bin:/bin", "RUNNER_ARCH": "X64", "RUNNER_TEMP": box.base, "GITHUB_OUTPUT": output,
                "IMGMAKE_VERSION": ImgmakeVersion.current, "IMGMAKE_REPOSITORY": "imgmake/imgmake",
            ])
        #expect(run.status == 0, "\(run)")
        let log = try String(contentsOfFile: calls, encoding: .utf8)
        let deb = "imgmake_\(ImgmakeVersion.current)_amd64.deb"
        #expect(log.contains("https://github.com/imgmake/imgmake/releases/download/v\(ImgmakeVersion.current)/\(deb)"), "\(log)")
        #expect(log.contains("apt-get install -y -q --no-install-recommends \(box.base)/\(deb)"), "\(log)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "version=imgmake \(ImgmakeVersion.current)\n")
        let arm = try runProgram(
            "/bin/bash", [box.path("script.sh")], in: box.root,
            environment: ["PATH": stubs + ":/usr/bin:/bin", "RUNNER_ARCH": "S390X", "RUNNER_TEMP": box.base, "GITHUB_OUTPUT": output])
        #expect(arm.status == 1 && arm.stderr.contains("::error::imgmake: no .deb for S390X"), "\(arm)")
    }

    @Test func theCIExamplesInstallTheReleaseInsteadOfCompiling() throws {
        let github = try String(contentsOfFile: Imgmake.repository + "/ci-examples/github-actions.yml", encoding: .utf8)
        let gitlab = try String(contentsOfFile: Imgmake.repository + "/ci-examples/gitlab-ci.yml", encoding: .utf8)
        for text in [github, gitlab] { #expect(!text.contains("swift build"), "no shard compiles imgmake") }
        #expect(github.components(separatedBy: "uses: imgmake/imgmake@v\(ImgmakeVersion.current)").count == 3, "both jobs use the action")
        #expect(
            gitlab.contains("IMGMAKE_VERSION: \"\(ImgmakeVersion.current)\"")
                && gitlab.contains("apt-get install -y -q --no-install-recommends /tmp/imgmake.deb"))
    }
}

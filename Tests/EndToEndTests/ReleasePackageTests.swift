import Foundation
import ImgmakeCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 18 (in part): `scripts/release.sh --package` packs the stripped static-runtime binary, the man pages and
/// the three completion scripts; the tarball's `install.sh --prefix ~/.local` installs them without root, and
/// the installed imgmake runs with no Swift toolchain on PATH: `--version` (from `ImgmakeVersion.current`, the
/// one version), `man -l`, and a build of the demo.
@Suite(.serialized) struct ReleasePackageTests {
    /// One run of `scripts/release.sh --package` for the suite's tests.
    static let release = Result {
        try runProgram("bash", [Imgmake.repository + "/scripts/release.sh", "--package"], in: Imgmake.repository, timeout: 1800)
    }

    @Test func theTarballInstallsIntoAPrefixWithoutRootAndRunsWithoutTheToolchain() throws {
        let release = try Self.release.get()
        try #require(release.status == 0, "\(release)")
        let tarball = try #require(release.stdout.split(separator: "\n").last.map(String.init))
        let version = ImgmakeVersion.current
        #expect(tarball.hasSuffix("/dist/imgmake-\(version)-linux-\(Self.machine).tar.gz"), "\(tarball)")

        let box = try Sandbox("release")
        let home = box.base + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let unpack = try runProgram("tar", ["-xzf", tarball, "-C", box.base], in: box.base)
        try #require(unpack.status == 0, "\(unpack)")
        let folder = box.base + "/imgmake-\(version)-linux-\(Self.machine)"
        // As a user: no root (nobody, when the tests run as root), no toolchain on PATH.
        var wrapper = ["env", "-i", "HOME=\(home)", "PATH=/usr/bin:/bin"]
        if getuid() == 0 {
            try #require(try runProgram("chown", ["-R", "nobody:nogroup", box.base], in: "/").status == 0)
            chmod(box.base, 0o755)
            wrapper = ["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"] + wrapper
        }
        let prefix = home + "/.local"
        let install = try runProgram(
            wrapper[0], Array(wrapper.dropFirst()) + ["bash", folder + "/install.sh", "--prefix", prefix], in: box.base)
        #expect(install.status == 0, "\(install)")
        #expect(
            install.stdout.contains("installed imgmake \(version) in \(prefix)") && install.stdout.contains("add to PATH"), "\(install)")
        for file in [
            "bin/imgmake", "share/man/man1/imgmake.1", "share/man/man1/imgmake-build.1",
            "share/bash-completion/completions/imgmake", "share/zsh/vendor-completions/_imgmake",
            "share/fish/vendor_completions.d/imgmake.fish",
        ] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file)")
        }
        #expect(
            try Self.bashCompletes(
                ["imgmake", "th"], script: prefix + "/share/bash-completion/completions/imgmake", bin: prefix + "/bin",
                in: Imgmake.repository + "/recipes/demo") == ["thumbs"])

        let binary = prefix + "/bin/imgmake"
        let libraries = try runProgram("ldd", [binary], in: box.base)
        #expect(!libraries.stdout.contains("libswift") && !libraries.stdout.contains("libFoundation"), "\(libraries)")
        let versionRun = try runProgram(wrapper[0], Array(wrapper.dropFirst()) + [binary, "--version"], in: box.base)
        #expect(versionRun.status == 0 && versionRun.stdout.hasPrefix("imgmake \(version)\nlibvips "), "\(versionRun)")
        let manual = try runProgram("man", ["-l", prefix + "/share/man/man1/imgmake.1"], in: box.base, environment: ["MANWIDTH": "80"])
        #expect(manual.status == 0 && manual.stdout.contains("imgmake"), "\(manual)")

        // The demo, built by the installed binary alone.
        try DemoTree.copyTree(Imgmake.repository + "/recipes/demo", home + "/demo")
        for folder in ["build", ".imgmake"] { try? FileManager.default.removeItem(atPath: home + "/demo/" + folder) }
        if getuid() == 0 { _ = try runProgram("chown", ["-R", "nobody:nogroup", home + "/demo"], in: "/") }
        let demo = try runProgram(
            wrapper[0], Array(wrapper.dropFirst()) + [binary, "-C", home + "/demo", "-j2"], in: box.base, timeout: 600)
        #expect(demo.status == 0 && demo.stdout.contains("43 built, 0 failed"), "\(demo)")
    }

    /// The .deb: Debian's places, Depends that apt can satisfy here (libvips42 among them, though imgmake loads it
    /// with dlopen), and a `dpkg -i` then `dpkg -r` (into a root and a dpkg database of the test's own, so the
    /// machine is left as it was) that installs a runnable imgmake and removes every file it installed.
    @Test func theDebInstallsInDebiansPlacesAndRemovesEveryFile() throws {
        let release = try Self.release.get()
        try #require(release.status == 0, "\(release)")
        let arch = try runProgram("dpkg", ["--print-architecture"], in: "/").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let deb = Imgmake.repository + "/dist/imgmake_\(ImgmakeVersion.current)_\(arch).deb"
        let fields = try runProgram("dpkg-deb", ["-f", deb, "Depends", "Version"], in: "/")
        #expect(fields.stdout.contains("libvips42 (>= 8.14)") && fields.stdout.contains("libreadline8"), "\(fields)")
        #expect(fields.stdout.contains("Version: \(ImgmakeVersion.current)"), "\(fields)")
        let contents = try runProgram("dpkg-deb", ["-c", deb], in: "/").stdout
        for file in [
            "./usr/bin/imgmake", "./usr/share/man/man1/imgmake.1.gz", "./usr/share/bash-completion/completions/imgmake",
            "./usr/share/zsh/vendor-completions/_imgmake", "./usr/share/fish/vendor_completions.d/imgmake.fish",
        ] {
            #expect(contents.contains(file), "\(file) in \(contents)")
        }
        // apt resolves its dependencies (what `apt-get install -f` would install), without installing anything.
        let simulated = try runProgram("apt-get", ["install", "-s", "--no-install-recommends", deb], in: "/", timeout: 300)
        #expect(simulated.status == 0 && simulated.stdout.contains("Inst imgmake"), "\(simulated)")

        let box = try Sandbox("deb")
        let root = box.base + "/root"
        let admin = root + "/var/lib/dpkg"
        for folder in [admin + "/info", admin + "/updates", root + "/usr"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try "".write(toFile: admin + "/status", atomically: true, encoding: .utf8)
        let dpkg = ["--root=\(root)", "--admindir=\(admin)", "--force-depends", "--force-not-root", "--log=\(box.base)/dpkg.log"]
        let install = try runProgram("dpkg", dpkg + ["-i", deb], in: "/", timeout: 300)
        #expect(install.status == 0, "\(install)")
        let clean = ["-i", "HOME=\(box.base)", "PATH=/usr/bin:/bin"]  // no toolchain on PATH or in the library path
        let version = try runProgram("env", clean + [root + "/usr/bin/imgmake", "--version"], in: box.root)
        #expect(version.stdout.hasPrefix("imgmake \(ImgmakeVersion.current)\n"), "\(version)")
        // `man imgmake` finds the installed page (here by MANPATH, the root being the test's).
        let manual = try runProgram("man", ["imgmake"], in: box.root, environment: ["MANWIDTH": "80", "MANPATH": root + "/usr/share/man"])
        #expect(manual.status == 0 && manual.stdout.contains("EXIT STATUS"), "\(manual)")
        // bash completes a target with the installed script and binary, and the installed binary builds the demo.
        try DemoTree.copyTree(Imgmake.repository + "/recipes/demo", box.base + "/demo")
        for folder in ["build", ".imgmake"] { try? FileManager.default.removeItem(atPath: box.base + "/demo/" + folder) }
        #expect(
            try Self.bashCompletes(
                ["imgmake", "sh"], script: root + "/usr/share/bash-completion/completions/imgmake", bin: root + "/usr/bin",
                in: box.base + "/demo") == ["shell", "sheet"])
        let demo = try runProgram("env", clean + [root + "/usr/bin/imgmake", "-j2"], in: box.base + "/demo", timeout: 600)
        #expect(demo.status == 0 && demo.stdout.contains("43 built, 0 failed"), "\(demo)")
        let remove = try runProgram("dpkg", dpkg + ["-r", "imgmake"], in: "/", timeout: 300)
        #expect(remove.status == 0, "\(remove)")
        let left = box.files(under: root + "/usr")
        #expect(left.isEmpty, "dpkg -r left \(left)")
    }

    /// What bash's Tab offers for `words` (the cursor at the end of the last), with `script` sourced and the
    /// binaries of `bin` alone on PATH before the system's, in `folder`.
    static func bashCompletes(_ words: [String], script: String, bin: String, in folder: String) throws -> [String] {
        let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
        let line = words.joined(separator: " ")
        let tab = """
            source '\(script)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=\(line.count)
            _imgmake imgmake '\(words[words.count - 1])' '\(words[words.count - 2])'
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try runProgram("/bin/bash", ["--norc", "-c", tab], in: folder, environment: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    static var machine: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

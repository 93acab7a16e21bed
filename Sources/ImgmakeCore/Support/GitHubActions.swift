import Foundation
import ImgmakeRecipe

/// What a build run by GitHub Actions (`GITHUB_ACTIONS=true`) adds for the web page: error annotations on the
/// recipe's lines (`::error file=…,line=…,col=…::`, for recipe errors and failed jobs), and a Markdown job
/// summary appended to `$GITHUB_STEP_SUMMARY`.
package enum GitHubActions {
    /// A build under GitHub Actions: the checkout (`GITHUB_WORKSPACE`) annotations name files relative to.
    package struct Settings: Sendable {
        package var workspace: String?
        package init(workspace: String?) { self.workspace = workspace }
    }

    /// An `::error` workflow command. `location`'s file is relative to the working directory `cwd`; the
    /// command names it relative to `workspace` (`GITHUB_WORKSPACE`, the checkout) when it is inside it.
    package static func errorAnnotation(
        _ message: String, at location: SourceLocation?, title: String? = nil, cwd: String, workspace: String?
    ) -> String {
        var properties: [String] = []
        if let location {
            var file = PathName.normalize(PathName.join(cwd, location.file))
            if let workspace, let relative = PathName.relative(file, to: workspace) { file = relative }
            properties += ["file=" + escapeProperty(file), "line=\(location.line)", "col=\(location.column)"]
        }
        if let title { properties.append("title=" + escapeProperty(title)) }
        return "::error" + (properties.isEmpty ? "" : " " + properties.joined(separator: ",")) + "::" + escapeData(message)
    }

    /// The Markdown summary of a build: its line, the counts, the bytes written, and the first failures.
    package static func stepSummary(_ summary: BuildSummary, failures: [String]) -> String {
        var text = "### imgmake: \(summary.line)\n\n"
        text += "| built | from cache | failed | skipped | up to date | written |\n|---:|---:|---:|---:|---:|---:|\n"
        text += "| \(summary.built) | \(summary.fromCache) | \(summary.failed) | \(summary.skipped) | \(summary.upToDate) "
        text += "| \(ByteCount.text(Int(summary.bytesWritten))) |\n"
        if !failures.isEmpty {
            text += "\n**Failed**\n\n"
            for failure in failures.prefix(50) { text += "- " + failure + "\n" }
            if failures.count > 50 { text += "- … and \(failures.count - 50) more\n" }
        }
        return text + "\n"
    }

    /// The runner's escapes: `%`, CR and LF in the message; also `:` and `,` in a property.
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

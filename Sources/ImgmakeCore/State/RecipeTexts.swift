import Foundation
import ImgmakeRecipe

/// The steps each recorded fingerprint stands for (`RecipeFingerprint.lines`), so that a rebuild can say what
/// changed (`thumbnail width 200 → 120`), not only that the 64-bit fingerprint differs. Kept in `.imgmake/recipes`
/// (`recipes.shard-K-of-N` for a shard, beside its log, so that gathering shards by copying loses none), one JSON
/// line per fingerprint, appended the first time a record has it. Read only when a recipe change is explained:
/// a no-op never opens it.
final class RecipeTexts {
    private let directory: String
    private let fileName: String
    private let disk: DiskInterface
    /// Every file's fingerprints and lines, once read.
    private var known: [UInt64: [String]]?

    /// `logName`: this run's journal (`log`, `log.shard-2-of-3`); its texts go to `recipes` (`recipes.shard-2-of-3`).
    init(directory: String, logName: String, disk: DiskInterface) {
        self.directory = directory
        fileName = "recipes" + logName.dropFirst("log".count)
        self.disk = disk
    }

    /// The lines of `fingerprint`, if a record ever had it.
    func lines(of fingerprint: UInt64) -> [String]? { load()[fingerprint] }

    /// Keeps the lines of `fingerprint` (made by `lines` only when they are not kept yet). A failure to write is
    /// not an error of the build: a later change is then described without them.
    func remember(_ fingerprint: UInt64, lines: () -> [String]) {
        guard load()[fingerprint] == nil else { return }
        let made = lines()
        known?[fingerprint] = made
        let entry: [String: Any] = ["fingerprint": fingerprint.hex16, "lines": made]
        guard let data = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        try? disk.makeDirectories(directory)
        try? disk.append(PathName.join(directory, fileName), Array(data) + [10])
    }

    private func load() -> [UInt64: [String]] {
        if let known { return known }
        var found: [UInt64: [String]] = [:]
        for entry in disk.list(directory) ?? [] where entry.name == "recipes" || entry.name.hasPrefix("recipes.shard-") {
            guard let bytes = try? disk.read(PathName.join(directory, entry.name)) else { continue }
            for line in bytes.split(separator: 10) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                    let hex = object["fingerprint"] as? String, let fingerprint = UInt64(hex, radix: 16),
                    let lines = object["lines"] as? [String]
                else { continue }  // a line cut short by a full disk, or damaged: skipped
                found[fingerprint] = lines
            }
        }
        known = found
        return found
    }
}

/// What changed between two fingerprints' lines, for "its recipe changed: …".
enum RecipeDiff {
    /// `thumbnail width 200 → 120; sharpen sigma default → 0.7; step rotate angle=90 added`, or nil when the
    /// lines are the same.
    static func describe(old: [String], new: [String]) -> String? {
        guard old != new else { return nil }
        var changes: [String] = []
        func field(_ prefix: String, _ lines: [String]) -> String? {
            lines.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        if let before = field("pipeline ", old), let after = field("pipeline ", new), before != after {
            changes.append("imgmake's pipeline \(before) → \(after)")
        }
        if let before = field("library ", old), let after = field("library ", new), before != after {
            changes.append("libvips \(before) → \(after)")
        }
        let oldSteps = old.filter { $0.hasPrefix("step ") }.map { Step(String($0.dropFirst("step ".count))) }
        let newSteps = new.filter { $0.hasPrefix("step ") }.map { Step(String($0.dropFirst("step ".count))) }
        changes += stepChanges(oldSteps, newSteps)
        if let before = field("save ", old).map(Step.init), let after = field("save ", new).map(Step.init) {
            if before.operation != after.operation {
                changes.append("the saver \(before.operation) → \(after.operation)")
            } else {
                changes += argumentChanges("save", before, after)
            }
        }
        for flag in ["alpha on white", "metadata removed"] where old.contains(flag) != new.contains(flag) {
            changes.append(new.contains(flag) ? flag : "no longer " + flag)
        }
        if changes.isEmpty {
            // User code, or lines of another shape: the first line that differs.
            let before = old.first { !new.contains($0) }
            let after = new.first { !old.contains($0) }
            switch (before, after) {
            case (let before?, let after?): changes.append("\(before) → \(after)")
            case (nil, let after?): changes.append("added: \(after)")
            case (let before?, nil): changes.append("removed: \(before)")
            case (nil, nil): changes.append("the order of its parts")
            }
        }
        return changes.joined(separator: "; ")
    }

    /// One step's line: its operation and `name=value` arguments.
    struct Step: Equatable {
        var operation: String
        var arguments: [(name: String, value: String)]
        init(_ line: String) {
            let words = StepLine.split(line)
            operation = words.first ?? ""
            arguments = words.dropFirst().map { word in
                guard let equals = word.firstIndex(of: "=") else { return (word, "") }
                return (String(word[..<equals]), String(word[word.index(after: equals)...]))
            }
        }
        static func == (a: Step, b: Step) -> Bool {
            a.operation == b.operation && a.arguments.elementsEqual(b.arguments) { $0.name == $1.name && $0.value == $1.value }
        }
        var text: String { ([operation] + arguments.map { "\($0.name)=\($0.value)" }).joined(separator: " ") }
    }

    private static func stepChanges(_ old: [Step], _ new: [Step]) -> [String] {
        var changes: [String] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i].operation == new[j].operation {
                changes += argumentChanges(old[i].operation, old[i], new[j])
                i += 1
                j += 1
            } else if j < new.count, !old[i...].contains(where: { $0.operation == new[j].operation }) {
                changes.append("step \(new[j].text) added")
                j += 1
            } else if i < old.count {
                changes.append("step \(old[i].text) removed")
                i += 1
            } else {
                changes.append("step \(new[j].text) added")
                j += 1
            }
        }
        return changes
    }

    private static func argumentChanges(_ operation: String, _ old: Step, _ new: Step) -> [String] {
        var changes: [String] = []
        let before = Dictionary(old.arguments.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        let after = Dictionary(new.arguments.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        for (name, value) in new.arguments where before[name] != value {
            // An argument not in a line has its default (`JobExpander.normalized` leaves defaults out).
            changes.append("\(operation) \(name) \(before[name] ?? "default") → \(value)")
        }
        for (name, value) in old.arguments where after[name] == nil {
            changes.append("\(operation) \(name) \(value) → default")
        }
        return changes
    }
}

/// The words of a step line: split at spaces outside double quotes (a string value keeps its spaces).
enum StepLine {
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quoted = false
        var escaped = false
        for character in line {
            if escaped {
                word.append(character)
                escaped = false
            } else if character == "\\" {
                word.append(character)
                escaped = quoted
            } else if character == "\"" {
                word.append(character)
                quoted.toggle()
            } else if character == " " && !quoted {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}

import ArgumentParser
import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// The shell's settings: `set` (jobs, pool, check, variables), `unset`.
extension Shell {
    func set(_ args: [String]) throws -> Outcome {
        guard let name = args.first else {
            out(settingsText())
            return Outcome()
        }
        let values = Array(args.dropFirst())
        switch name {
        case "jobs", "pool":
            guard values.count == 1 else { throw ShellUsage(name == "jobs" ? "usage: set jobs N" : "usage: set pool thread|process") }
            // The command line's own definitions check the value (-j at least 1; a known pool).
            let parsed: BuildOptions
            do {
                parsed = try BuildOptions.parse(name == "jobs" ? ["-j", values[0]] : ["--pool", values[0]])
            } catch {
                throw ShellUsage(BuildOptions.message(for: error))
            }
            if name == "jobs" { jobs = parsed.jobCount } else { pool = parsed.pool }
            out("\(name) = \(name == "jobs" ? String(jobs) : pool.rawValue)\n")
            return Outcome()
        case "preview":
            guard values.count == 1, let on = ["on": true, "off": false][values[0]] else { throw ShellUsage("usage: set preview on|off") }
            trials.previews = on
            out("preview = \(on ? "on" : "off")\n")
            return Outcome()
        case "check":
            // As `imgmake --check`: the command line's own definition checks the value.
            guard values.count == 1 else { throw ShellUsage("usage: set check mtime|hash") }
            do {
                check = try RecipeOptions.parse(["--check", values[0]]).check
            } catch {
                throw ShellUsage(RecipeOptions.message(for: error))
            }
            out("check = \(check.rawValue)\n")
            return Outcome()
        default:
            guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else {
                throw ShellUsage("'\(name)' is not a setting (jobs, pool, check, preview) or a variable name")
            }
            guard !values.isEmpty else {
                let value = overrides[name] ?? lastGood?.recipe.recipe.variables[name]
                out(value.map { "\(name) = \($0)\n" } ?? "\(name) is not set\n")
                return Outcome()
            }
            let value = values.joined(separator: " ")
            overrides[name] = value
            out("\(name) = \(value)\n")
            sessions.forgetWarning(about: name)  // a name the recipe does not know is said again at each `set`
            if case .fresh = load() { return Outcome() }
            return Outcome(.usage)
        }
    }

    func unset(_ args: [String]) throws -> Outcome {
        guard args.count == 1 else { throw ShellUsage("usage: unset NAME") }
        guard overrides.removeValue(forKey: args[0]) != nil else {
            throw ShellUsage("\(args[0]) was not set with `set`")
        }
        out("\(args[0]) is the recipe's again\n")
        return Outcome()
    }

    func settingsText() -> String {
        var text = "jobs = \(jobs)\npool = \(pool.rawValue)\ncheck = \(check.rawValue)\npreview = \(trials.previews ? "on" : "off")\n"
        let variables = lastGood?.recipe.recipe.variables ?? [:]
        let names = Set(variables.keys).union(overrides.keys).sorted()
        if !names.isEmpty {
            text += "variables:\n"
            for name in names {
                text += "  \(name) = \(overrides[name] ?? variables[name] ?? "")" + (overrides[name] != nil ? "   (set here)" : "") + "\n"
            }
        }
        return text
    }
}

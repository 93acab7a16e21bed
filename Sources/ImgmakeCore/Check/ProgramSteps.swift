import ImgmakeJob

/// The words of the steps that run the user's code (README's *Your own code*), in one place for the checker,
/// the expander and the docs.
package enum ProgramSteps {
    /// The step names, and what each runs.
    package static func kind(of operation: String) -> ProgramStep.Kind? { ProgramStep.Kind(rawValue: operation) }

    /// The variable that names the interpreter of `python` steps (`python3` when the recipe does not set it).
    package static let pythonVariable = "PYTHON"

    /// `{in}`: the source; `{out}`: the file to write; `{inputs}`: every source, one argument each.
    package static let input = "in"
    package static let output = "out"
    package static let inputs = "inputs"

    /// A Python identifier in ASCII: a letter or `_`, then letters, digits and `_`.
    package static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

extension ProgramSteps {
    /// The step words, for `help` and completion.
    package static let names = ["run", "python", "worker"]

    /// Every step word `helpText` explains: these and `load`, `save` (`FileSteps`).
    package static let helpNames = names + FileSteps.names

    /// `help run`, `help python`, `help worker` in the shell and `imgmake ops python` (README's *Your own code*);
    /// `help load` and `help save` (`FileSteps`).
    package static func helpText(_ name: String) -> String? {
        switch ProgramStep.Kind(rawValue: name) {
        case .run:
            return """
                run PROGRAM ARG...    (a rule's only step)
                  Runs a command per output: argv words, never a shell. {in} is the source, {out} the file to write
                  (a temporary beside the output, renamed into place when the command exits 0), {inputs} every
                  source (a word of its own: one argument each; for aggregates). @FILE words are paths of
                  inputs. A PROGRAM with a / is found from the recipe's folder and, in the tree, is an input.
                  It fails the job when it exits non-zero (with its output's last lines), writes no {out}, or
                  writes a file that is not an image of the output's extension.
                    webp: build/webp/{path}.webp <- photos/**/*.png
                        run cwebp -quiet -q 80 {in} -o {out}

                """
        case .python:
            return """
                python FILE:FUNCTION NAME=VALUE...    (a rule's only step)
                  Calls FUNCTION(src, dst, **args) in a persistent Python worker (FUNCTION(srcs, dst, **args) for
                  an aggregate); the module is imported once per worker, again when its file changes. dst is a
                  temporary with the output's extension, renamed into place when the function returns. Values are
                  ints, floats, true/false, or strings (quoted, with a placeholder, or anything else); @FILE is a
                  path and an input. FILE is an input of every output: editing it rebuilds them. What the
                  function returns (JSON) is kept per output and shown by --report as "result". The interpreter
                  is python3 on PATH unless the recipe sets PYTHON = ...; what it prints is shown with its job.
                    crops: build/crops/{path}.png <- photos/**/*.jpg
                        python tools/augment.py:random_crop size=224 seed={name}

                """
        case .worker:
            return """
                worker PROGRAM ARG... NAME=VALUE...    (a rule's only step)
                  Like python, for a worker in any language: PROGRAM is started once per worker and reads one
                  JSON request per line on its file descriptor 3 ({"v":1,"id":7,"sources":[...],"aggregate":false,
                  "output":"TEMP","target":"OUTPUT","cwd":"DIR","args":{...}}), writes the output file, and answers
                  each on descriptor 4: {"v":1,"id":7,"ok":true,"result":ANY} or {"v":1,"id":7,"ok":false,
                  "error":"MESSAGE"}. It exits when descriptor 3 closes. NAME=VALUE words are the args; what it
                  prints on stdout or stderr is shown with the job.

                """
        case nil:
            return FileSteps.helpText(name)
        }
    }
}

import ImgmakeJob

/// The worker protocol that `python` and `worker` steps speak (README's *The worker protocol*), and the Python
/// program imgmake starts for `python` steps. The program needs nothing beyond Python's standard library.
enum UserWorkerProtocol {
    /// In the environment of every worker as `IMGMAKE_WORKER_PROTOCOL`; bumped on a change an older worker
    /// would misread.
    static let version = 1

    /// The request for one job, one line of JSON: `{"v":1,"id":7,"sources":[...],"aggregate":false,
    /// "output":"...","target":"...","cwd":"...","args":{...}}`, with `"module"` and `"function"` for
    /// `python` steps.
    static func request(id: Int, program: ProgramStep, sources: [String], isAggregate: Bool, output: String, target: String)
        -> [UInt8]
    {
        var fields = [
            "\"v\":\(version)", "\"id\":\(id)",
            "\"sources\":[" + sources.map(JSONText.quoted).joined(separator: ",") + "]",
            "\"aggregate\":\(isAggregate)", "\"output\":" + JSONText.quoted(output),
            "\"target\":" + JSONText.quoted(target), "\"cwd\":" + JSONText.quoted(program.directory),
        ]
        if let module = program.module { fields.append("\"module\":" + JSONText.quoted(module)) }
        if let function = program.function { fields.append("\"function\":" + JSONText.quoted(function)) }
        let args = program.arguments.map { JSONText.quoted($0.name) + ":" + $0.value.json }
        fields.append("\"args\":{" + args.joined(separator: ",") + "}")
        return Array(("{" + fields.joined(separator: ",") + "}\n").utf8)
    }

    /// How the interpreter is started: `PYTHON -u -c BOOTSTRAP imgmake-worker`, the bootstrap taking the program
    /// from the environment (and out of it, so the user's subprocesses do not inherit it; `ps` shows one line).
    static let pythonArguments = [
        "-u", "-c", "exec(__import__('os').environ.pop('\(pythonProgramVariable)'))", "imgmake-worker",
    ]
    static let pythonProgramVariable = "IMGMAKE_PYTHON_WORKER"

    /// The Python program of `python` steps (`pythonArguments`): reads requests on fd 3, imports
    /// each module once (again when its file changed), calls `FUNCTION(src, dst, **args)` (`srcs` for an
    /// aggregate), and answers on fd 4. What the functions print goes to stdout and stderr, a pipe imgmake
    /// reads for the job, never the protocol (stdout is flushed before each reply).
    static let pythonProgram = #"""
        import importlib.util, json, os, sys, traceback

        # The user's modules are imported without writing __pycache__ folders into the tree.
        sys.dont_write_bytecode = True

        def load(modules, path, name):
            stamp = os.stat(path).st_mtime_ns
            entry = modules.get(path)
            if entry is None or entry[0] != stamp:
                folder = os.path.dirname(path)
                if folder not in sys.path:
                    sys.path.insert(0, folder)
                stem = os.path.splitext(os.path.basename(path))[0]
                known = sys.modules.get(stem)
                if known is not None and (entry is None or known is not entry[1]):
                    stem = "imgmake_user_" + stem
                spec = importlib.util.spec_from_file_location(stem, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[stem] = module
                spec.loader.exec_module(module)
                entry = (stamp, module)
                modules[path] = entry
            function = getattr(entry[1], name, None)
            if not callable(function):
                raise LookupError("%s has no function %r" % (os.path.basename(path), name))
            return function

        def failure(ident, error):
            frames = traceback.extract_tb(error.__traceback__)
            frames = [f for f in frames if f.filename != "<string>"]
            text = "".join(traceback.format_exception_only(type(error), error)).strip()
            if isinstance(error, SystemExit):
                text = "the function called sys.exit(%r)" % (error.code,)
            where = ""
            if frames:
                last = frames[-1]
                where = "%s, line %d, in %s" % (last.filename, last.lineno, last.name)
            lines = traceback.format_list(frames) + traceback.format_exception_only(type(error), error)
            return {"v": 1, "id": ident, "ok": False, "error": text, "where": where, "traceback": "".join(lines)}

        def main():
            requests = os.fdopen(3, "r", encoding="utf-8", newline="\n")
            replies = os.fdopen(4, "w", encoding="utf-8", newline="\n")
            modules = {}
            for line in requests:
                ident = None
                try:
                    request = json.loads(line)
                    ident = request["id"]
                    cwd = request.get("cwd")
                    if cwd and os.getcwd() != cwd:
                        os.chdir(cwd)
                    function = load(modules, request["module"], request["function"])
                    sources = request["sources"]
                    source = sources if request.get("aggregate") else sources[0]
                    value = function(source, request["output"], **request.get("args", {}))
                    try:
                        text = json.dumps({"v": 1, "id": ident, "ok": True, "result": value}, allow_nan=False)
                    except (TypeError, ValueError) as error:
                        raise TypeError("the function returned a value that is not JSON: %s" % error) from None
                except (Exception, SystemExit) as error:
                    text = json.dumps(failure(ident, error))
                sys.stdout.flush()
                replies.write(text + "\n")
                replies.flush()

        main()
        """#
}

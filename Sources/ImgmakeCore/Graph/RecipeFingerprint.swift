import ImgmakeJob
import ImgmakeRecipe

/// The fingerprint of what makes an output's pixels: the expanded steps, the loader and saver options,
/// the saver, and the versions of imgmake's pipeline and of libvips. Paths of `@` images are taken relative
/// to the root, so a tree cloned elsewhere keeps its fingerprints.
enum RecipeFingerprint {
    /// Bumped when imgmake changes how it turns steps into pixels, or how steps are fingerprinted. 2: sources
    /// with an ICC profile are thumbnailed to sRGB; 3: imgmake's own thumbnail; 4: stripped WebP files in the
    /// simple format; 5: arguments in name order, defaults left out (`JobExpander`), one line per step.
    static let pipelineVersion = "imgmake-pipeline-5"

    /// Bumped when imgmake changes how it runs user code (README's *Your own code*).
    static let programVersion = "imgmake-program-1"

    static func of(_ job: ImageJob, root: String, libraryVersion: String) -> UInt64 {
        var hash = FNV1a()
        for line in lines(of: job, root: root, libraryVersion: libraryVersion) { hash.combine(line) }
        return hash.value
    }

    /// What the fingerprint is made of, as lines people can read (kept per fingerprint in `.imgmake/recipes`,
    /// so that a change can be named): `pipeline imgmake-pipeline-5`, `library vips-8.14.1`, `single`, `load …`,
    /// `step thumbnail width=320 crop=attention`, …, `save webpsave Q=80 strip=true`, and the flags. Arguments are
    /// as the job has them: in name order, defaults left out, paths in the tree relative to the root.
    static func lines(of job: ImageJob, root: String, libraryVersion: String) -> [String] {
        if let program = job.program { return lines(of: program, isAggregate: job.isAggregate, root: root) }
        func text(_ arguments: [ResolvedArgument]) -> String {
            arguments.map { " " + $0.name + "=" + canonical($0.value, root: root) }.joined()
        }
        var lines = ["pipeline " + pipelineVersion, "library " + libraryVersion, job.isAggregate ? "aggregate" : "single"]
        lines.append("load" + text(job.loadOptions))
        for step in job.steps { lines.append("step " + step.operation + text(step.arguments)) }
        lines.append("save " + job.saver + text(job.saveOptions))
        // Alpha flattened on white rather than black: only outputs whose saver drops alpha change.
        if job.flattensAlphaOnWhite { lines.append("alpha on white") }
        // Metadata removed by imgmake, not only by savers that honour `strip`: only those outputs change.
        if job.stripsMetadata { lines.append("metadata removed") }
        return lines
    }

    /// A `run`, `python` or `worker` step after expansion: its kind, words, module, function and arguments (paths
    /// in the tree relative to the root). Not libvips' version: the code's output does not depend on it.
    private static func lines(of program: ProgramStep, isAggregate: Bool, root: String) -> [String] {
        func relative(_ text: String) -> String {
            text.hasPrefix(root == "/" ? "/" : root + "/") ? "./" + PathName.display(text, from: root) : text
        }
        var lines = [programVersion, program.kind.rawValue, isAggregate ? "aggregate" : "single"]
        for word in program.command { lines.append("word " + relative(word.canonicalText)) }
        if let module = program.module { lines.append("module " + relative(module)) }
        if let function = program.function { lines.append("function " + function) }
        for argument in program.arguments {
            lines.append("argument " + argument.name)
            if case .string(let text) = argument.value {
                lines.append(ProgramValue.string(relative(text)).json)
            } else {
                lines.append(argument.value.json)
            }
        }
        lines.append("directory " + relative(program.directory + "/"))
        return lines
    }

    private static func canonical(_ value: OperationValue, root: String) -> String {
        switch value {
        case .imageFile(let path): return "@" + PathName.display(path, from: root)
        case .imageFiles(let paths): return paths.map { "@" + PathName.display($0, from: root) }.joined(separator: ",")
        default: return value.canonicalText
        }
    }
}

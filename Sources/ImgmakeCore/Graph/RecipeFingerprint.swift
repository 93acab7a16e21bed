import ImgmakeJob
import ImgmakeRecipe

/// The fingerprint of what makes an output's pixels: the expanded steps, the loader and saver options,
/// the saver, and the versions of imgmake's pipeline and of libvips. Paths of `@` images are taken relative
/// to the root, so a tree cloned elsewhere keeps its fingerprints.
enum RecipeFingerprint {
    /// Bumped when imgmake changes how it turns steps into pixels. 2: sources with an ICC profile are
    /// thumbnailed to sRGB; 3: imgmake's own thumbnail; 4: stripped WebP files in the simple format.
    static let pipelineVersion = "imgmake-pipeline-4"

    /// Bumped when imgmake changes how it runs user code (README's *Your own code*).
    static let programVersion = "imgmake-program-1"

    static func of(_ job: ImageJob, root: String, libraryVersion: String) -> UInt64 {
        if let program = job.program { return of(program, isAggregate: job.isAggregate, root: root) }
        var hash = FNV1a()
        hash.combine(pipelineVersion)
        hash.combine(libraryVersion)
        hash.combine(job.isAggregate ? "aggregate" : "single")
        func add(_ arguments: [ResolvedArgument]) {
            for argument in arguments {
                hash.combine(argument.name)
                hash.combine(canonical(argument.value, root: root))
            }
        }
        hash.combine("load")
        add(job.loadOptions)
        for step in job.steps {
            hash.combine("step " + step.operation)
            add(step.arguments)
        }
        hash.combine("save " + job.saver)
        add(job.saveOptions)
        // Alpha flattened on white rather than black: only outputs whose saver drops alpha change.
        if job.flattensAlphaOnWhite { hash.combine("alpha on white") }
        // Metadata removed by imgmake, not only by savers that honour `strip`: only those outputs change.
        if job.stripsMetadata { hash.combine("metadata removed") }
        return hash.value
    }

    /// A `run`, `python` or `worker` step after expansion: its kind, words, module, function and arguments (paths
    /// in the tree relative to the root). Not libvips' version: the code's output does not depend on it.
    private static func of(_ program: ProgramStep, isAggregate: Bool, root: String) -> UInt64 {
        var hash = FNV1a()
        func relative(_ text: String) -> String {
            text.hasPrefix(root == "/" ? "/" : root + "/") ? "./" + PathName.display(text, from: root) : text
        }
        hash.combine(programVersion)
        hash.combine(program.kind.rawValue)
        hash.combine(isAggregate ? "aggregate" : "single")
        for word in program.command { hash.combine("word " + relative(word.canonicalText)) }
        if let module = program.module { hash.combine("module " + relative(module)) }
        if let function = program.function { hash.combine("function " + function) }
        for argument in program.arguments {
            hash.combine("argument " + argument.name)
            if case .string(let text) = argument.value {
                hash.combine(ProgramValue.string(relative(text)).json)
            } else {
                hash.combine(argument.value.json)
            }
        }
        hash.combine("directory " + relative(program.directory + "/"))
        return hash.value
    }

    private static func canonical(_ value: OperationValue, root: String) -> String {
        switch value {
        case .imageFile(let path): return "@" + PathName.display(path, from: root)
        case .imageFiles(let paths): return paths.map { "@" + PathName.display($0, from: root) }.joined(separator: ",")
        default: return value.canonicalText
        }
    }
}

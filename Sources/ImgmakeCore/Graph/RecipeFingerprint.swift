import ImgmakeJob
import ImgmakeRecipe

/// The fingerprint of what makes an output's pixels: the expanded steps, the loader and saver options,
/// the saver, and the versions of imgmake's pipeline and of libvips. Paths of `@` images are taken relative
/// to the root, so a tree cloned elsewhere keeps its fingerprints.
enum RecipeFingerprint {
    /// Bumped when imgmake changes how it turns steps into pixels. 2: sources with an ICC profile are
    /// thumbnailed to sRGB; 3: imgmake's own thumbnail; 4: stripped WebP files in the simple format.
    static let pipelineVersion = "imgmake-pipeline-4"

    static func of(_ job: ImageJob, root: String, libraryVersion: String) -> UInt64 {
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

    private static func canonical(_ value: OperationValue, root: String) -> String {
        switch value {
        case .imageFile(let path): return "@" + PathName.display(path, from: root)
        case .imageFiles(let paths): return paths.map { "@" + PathName.display($0, from: root) }.joined(separator: ",")
        default: return value.canonicalText
        }
    }
}

import CVips
import Foundation
import ImgmakeJob

/// Runs one `ImageJob`: load, steps, save (README's *The recipe language* (steps) and *Bad input*). Safe to call from many threads at once;
/// every image a job creates is released when `run` returns.
///
/// - The first step receives the source. When its operation has a required string input named `filename`
///   (`thumbnail`), that is set to the source path with `job.loadOptions` in libvips' `path[k=v]` form, and
///   `fail-on=truncated` unless the step or the load options say otherwise, so it can shrink on load.
///   Otherwise the source is read with the loader that sniffing picks (see `ImageLoader`), streaming
///   (`access=sequential`) when every operation of the job reads top to bottom.
/// - An aggregate job's sources go, in order, to the first step's first required image input when that is
///   an array of images (any images the step names for it follow them). When the first image input takes a
///   single image, an aggregate of one source is treated like a single source and a larger one fails: an
///   image would otherwise be dropped without a word.
/// - Each later step's first required image input (a single image, or the head of an array of images) is
///   the previous step's result, which is its first required image output (or the image a `draw_*`
///   operation modified). `@file` arguments are loaded like sources, without the load options.
/// - With `job.maxPixels > 0`, every image file (sources and `@file`s) is refused from its header, before
///   any decoding, when the pixels the job would decode (width × height, all loaded pages included) exceed
///   the limit.
/// - libvips computes pixels only when the saver asks for them, so damage inside an image (a truncated
///   JPEG) fails in the save step: the error names the saver, with libvips' message about the data.
public enum ImageRunner {
    /// Runs `job` and writes its output to `path` with `job.saver` (the extension of `path` does not
    /// matter; see `OperationCatalog.saveOptions(impliedByPath:)`). Returns the size and bands of the image
    /// given to the saver and the size of the file. Throws `ImageJobError`.
    ///
    /// A failed job's error is its own: libvips' error buffer is one for the whole process, so when other
    /// jobs used libvips while this one ran (the thread pool), their lines may be mixed with its own. Such a
    /// failure is not reported; the job runs again alone (`VipsErrorLog.exclusively`: the other jobs finish
    /// their run and wait for it), so every line it then reads was written for it, and that second run's
    /// outcome is the job's. A job that ran alone (one job at a time, a worker process) is not run again.
    /// Both pools thus report the message the job gives on its own.
    public static func run(_ job: ImageJob, writingTo path: String) throws -> ImageSummary {
        VipsRuntime.start()
        let (first, alone) = VipsErrorLog.sharing { try attempt(job, writingTo: path) }
        if alone { return try first.get() }
        guard case .failure = first else { return try first.get() }
        return try VipsErrorLog.exclusively { try attempt(job, writingTo: path) }
    }

    /// One run of the job (see `run`).
    private static func attempt(_ job: ImageJob, writingTo path: String) throws -> ImageSummary {
        let image = try pipeline(job)
        // imgmake's own WebP and JPEG writers, on this thread, where they write the saver's file exactly.
        var write: (() throws -> Int)?
        if let options = WebPWriter.options(for: job), WebPWriter.takes(image) {
            write = { try WebPWriter.write(image.copiedToMemory(for: job.saver), options: options, to: path) }
        } else if let options = JPEGWriter.options(for: job),
            let encoded = try failure(input: soleSource(job), { try JPEGWriter.encoded(image, for: job) })
        {
            write = { try JPEGWriter.write(encoded.copiedToMemory(for: job.saver), options: options, to: path) }
        }
        if let write {
            let bytes = try failure(input: soleSource(job)) { try write() }
            return ImageSummary(width: image.width, height: image.height, bands: image.bands, bytes: bytes)
        }
        try failure(input: soleSource(job)) {
            var save = VipsOperationCall(job.saver)
            let pixels =
                leaksOnFailedInput.contains(job.saver)
                ? try image.copiedToMemory(for: job.saver) : image
            save.set(try firstImageInput(of: job.saver).name, .image(try MetadataStrip.image(pixels, for: job)))
            let link = try SuffixedLink(to: path, for: job.saver)
            defer { link?.remove() }
            save.set("filename", .value(.string(link?.path ?? path)))
            if job.flattensAlphaOnWhite, pixels.hasAlpha {
                // White in the image's own scale, as `flatten` counts it (its max-alpha).
                let white: Double = ["rgb16", "grey16"].contains(pixels.interpretation) ? 65535 : 255
                save.set("background", .value(.arrayDouble([white])))
            }
            for option in job.saveOptions { save.set(option.name, .value(option.value)) }
            _ = try save.run()
            try MetadataStrip.finish(path, for: job)
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ImageJobError(step: job.saver, input: soleSource(job), message: "wrote no file at \(path)")
        }
        return ImageSummary(width: image.width, height: image.height, bands: image.bands, bytes: Int(status.st_size))
    }

    /// Savers that, in libvips 8.14, leak their whole frame buffer when the pixels they are given fail to
    /// compute (a damaged source): about 200 KB per failed thumbnail (fixed upstream in 8.16, libvips PR
    /// #4107). Their image is computed into memory first, so that a failure happens outside them; they hold
    /// a whole frame in memory anyway, so this costs one more frame at most.
    private static let leaksOnFailedInput: Set<String> = ["webpsave"]

    /// The image the job's last step produces (the loaded source when there are no steps).
    private static func pipeline(_ job: ImageJob) throws -> VipsImageHandle {
        guard !job.sources.isEmpty else {
            throw ImageJobError(step: "load", input: nil, message: "the job has no source")
        }
        var steps = job.steps[...]
        var image: VipsImageHandle
        let first = try steps.first.map { try info(of: $0) }
        if job.isAggregate, let first, first.firstImageInput?.type == .arrayImage {
            let options = sourceOptions(job)
            let sources = try job.sources.map { try load($0, options: options, job) }
            image = try apply(steps.removeFirst(), info: first, to: sources, job)
        } else if job.sources.count > 1 {
            throw ImageJobError(
                step: first?.nickname ?? job.saver, input: nil,
                message:
                    "takes one image, but this aggregate has \(job.sources.count) inputs; start with an operation that takes an array of images (arrayjoin, bandjoin, composite)"
            )
        } else if let first, let filename = first.argument(named: "filename"),
            filename.isRequired, filename.isInput, filename.type == .string
        {
            image = try openingStep(steps.removeFirst(), info: first, job)
        } else {
            image = try load(job.sources[0], options: sourceOptions(job), job)
        }
        for step in steps {
            image = try apply(step, info: try info(of: step), to: [image], job)
        }
        return image
    }

    /// The options to load sources with: the job's, plus `access=sequential` when every step and the saver
    /// read top to bottom (as the `vips` command line decides), so the source streams through the pipeline
    /// instead of being decoded whole first.
    private static func sourceOptions(_ job: ImageJob) -> [ResolvedArgument] {
        let setsAccess = job.loadOptions.contains { $0.name == "access" }
        let streams = (job.steps.map(\.operation) + [job.saver]).allSatisfy(VipsCatalog.shared.isSequential)
        guard streams, !setsAccess else { return job.loadOptions }
        return job.loadOptions + [ResolvedArgument(name: "access", value: .enumeration("sequential"))]
    }

    /// A first step that opens the source itself (`thumbnail`), after the pixel-limit check: imgmake's own
    /// thumbnail (`ThumbnailPipeline`) when it handles the step and the source, else the operation itself.
    private static func openingStep(_ step: ResolvedStep, info: OperationInfo, _ job: ImageJob) throws -> VipsImageHandle {
        let source = job.sources[0]
        // The header is always read (lazily, no pixels): for the pixel limit, the loader's options, and the
        // colour profile.
        let loaded = try failure(input: source) { try ImageLoader.load(source, options: job.loadOptions) }
        try checkPixels(loaded.image, path: source, job)
        var loadOptions = try failure(input: source) { try ImageLoader.supportedOptions(job.loadOptions, loader: loaded.loader) }
        if step.operation == "thumbnail", job.loadOptions.allSatisfy({ ArgumentInfo.canonicalName($0.name) == "fail-on" }),
            let image = try failure(
                input: source,
                {
                    try ThumbnailPipeline.run(
                        step, source: source, header: loaded.image, loader: loaded.loader, loadOptions: loadOptions)
                })
        {
            return image
        }
        // A source with an ICC profile (Adobe RGB, Display P3, CMYK...) comes out in sRGB, as vipsthumbnail's
        // users expect, unless the step manages colour itself (`export-profile`/`import-profile`).
        let managesColour = step.arguments.contains {
            ["export-profile", "import-profile"].contains(ArgumentInfo.canonicalName($0.name))
        }
        let toSRGB =
            !managesColour && info.argument(named: "export-profile") != nil
            && loaded.image.fieldNames.contains("icc-profile-data")
        let failOn = loadOptions.first { ArgumentInfo.canonicalName($0.name) == "fail-on" }?.value ?? .enumeration("truncated")
        loadOptions.removeAll { ArgumentInfo.canonicalName($0.name) == "fail-on" }
        return try failure(input: source) {
            var call = VipsOperationCall(info.nickname)
            call.set("filename", .value(.string(ImageLoader.pathWithOptions(source, loadOptions))))
            if info.argument(named: "fail-on") != nil { call.set("fail-on", .value(failOn)) }
            if toSRGB { call.set("export-profile", .value(.string("srgb"))) }
            var libvipsStep = step
            libvipsStep.arguments.removeAll { $0.name == VipsCatalog.ownThumbnailSwitch }
            try setArguments(libvipsStep, on: &call, job)
            return try result(of: call, info: info)
        }
    }

    /// Runs a step with `images` in its first image input (all of them, then any the step names, for an
    /// array input; the first otherwise).
    private static func apply(
        _ step: ResolvedStep, info: OperationInfo, to images: [VipsImageHandle],
        _ job: ImageJob
    ) throws -> VipsImageHandle {
        try failure(input: soleSource(job)) {
            guard let target = info.firstImageInput else {
                throw VipsError(operation: info.nickname, message: "has no image input to take the previous image")
            }
            var call = VipsOperationCall(info.nickname)
            try setArguments(step, on: &call, job)
            if target.type == .arrayImage {
                let named = try step.arguments.filter { ArgumentInfo.canonicalName($0.name) == target.name }
                    .flatMap { try loadImages(for: $0.value, job) }
                call.set(target.name, .images(images + named))
            } else {
                call.set(target.name, .image(images[0]))
            }
            return try result(of: call, info: info)
        }
    }

    /// Sets a step's own arguments, loading `@file` images.
    private static func setArguments(_ step: ResolvedStep, on call: inout VipsOperationCall, _ job: ImageJob) throws {
        for argument in step.arguments {
            switch argument.value {
            case .imageFile, .imageFiles:
                call.set(argument.name, .images(try loadImages(for: argument.value, job)))
            default:
                call.set(argument.name, .value(argument.value))
            }
        }
    }

    /// The images an `@file` value names, loaded; other values give none.
    private static func loadImages(for value: OperationValue, _ job: ImageJob) throws -> [VipsImageHandle] {
        switch value {
        case .imageFile(let path): return [try load(path, options: [], job)]
        case .imageFiles(let paths): return try paths.map { try load($0, options: [], job) }
        default: return []
        }
    }

    /// The first required image output of a finished call (or the image a `draw_*` operation modified).
    private static func result(of call: VipsOperationCall, info: OperationInfo) throws -> VipsImageHandle {
        let results = try call.run()
        let output = info.arguments.first { $0.isOutput && $0.isRequired && $0.type == .image }?.name
        guard let image = output.flatMap({ results[$0] }) ?? results.values.first else {
            throw VipsError(operation: info.nickname, message: "gives no image")
        }
        return image
    }

    /// Loads an image file and checks it against the pixel limit; errors name that file.
    private static func load(_ path: String, options: [ResolvedArgument], _ job: ImageJob) throws -> VipsImageHandle {
        let loaded = try failure(input: path) { try ImageLoader.load(path, options: options) }
        try checkPixels(loaded.image, path: path, job)
        return loaded.image
    }

    /// Refuses an image, from its header, whose decoded size would exceed `job.maxPixels`.
    private static func checkPixels(_ image: VipsImageHandle, path: String, _ job: ImageJob) throws {
        guard job.maxPixels > 0 else { return }
        let (width, height) = (image.width, image.height)
        let pages = image.pageHeight > 0 ? height / image.pageHeight : 1
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard overflow || pixels > job.maxPixels else { return }
        let size = pages > 1 ? "\(width)×\(image.pageHeight)×\(pages) pages" : "\(width)×\(height)"
        throw ImageJobError(
            step: "pixel limit", input: path,
            message: "\(size) = \(overflow ? "too many" : String(pixels)) pixels, over --max-pixels \(job.maxPixels)")
    }

    private static func info(of step: ResolvedStep) throws -> OperationInfo {
        guard let info = VipsCatalog.shared.operation(named: step.operation) else {
            throw ImageJobError(step: step.operation, input: nil, message: "no such operation")
        }
        return info
    }

    private static func firstImageInput(of nickname: String) throws -> ArgumentInfo {
        guard let input = VipsCatalog.shared.operation(named: nickname)?.firstImageInput else {
            throw VipsError(operation: nickname, message: "is not an operation that takes an image")
        }
        return input
    }

    /// The input to name in errors after loading: the source of a per-input job; none for an aggregate.
    private static func soleSource(_ job: ImageJob) -> String? {
        job.sources.count == 1 ? job.sources[0] : nil
    }

    /// Runs `body`, turning a `VipsError` into an `ImageJobError` whose step is the operation that failed.
    /// (An `ImageJobError` thrown inside, such as the pixel limit's, passes through with its own input.)
    private static func failure<T>(input: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as VipsError {
            throw ImageJobError(step: error.operation, input: input, message: error.message)
        }
    }
}

/// A name ending in the suffix a saver insists on, for a file whose own name does not (imgmake's
/// temporaries end in `.tmp`): a symbolic link in a fresh private folder of the system's temporary
/// directory, removed with the folder once the saver is done.
///
/// libvips 8.14's `vipssave` writes a `.v` file only to a name ending in `.v` or `.vips`: it takes any
/// other name for a format to look up ("... is not a known file format"), and its `_target` variant needs a
/// target with such a file name too. The saver opens the link, so it writes the temporary itself; the
/// temporary keeps its name, so an interrupted job leaves nothing but what `TemporaryFiles` removes.
private struct SuffixedLink {
    /// Savers and the suffix they need.
    static let suffixes = ["vipssave": ".v"]

    let folder: String
    let path: String

    /// Nil when `saver` takes any name.
    init?(to target: String, for saver: String) throws {
        guard let suffix = Self.suffixes[saver] else { return nil }
        var template = Array((NSTemporaryDirectory() + "imgmake-save-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw VipsError(
                operation: saver, message: "cannot make a folder in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        folder = String(cString: made)
        path = folder + "/out" + suffix
        let absolute = target.hasPrefix("/") ? target : FileManager.default.currentDirectoryPath + "/" + target
        guard symlink(absolute, path) == 0 else {
            let cause = String(cString: strerror(errno))
            rmdir(folder)
            throw VipsError(operation: saver, message: "cannot link \(path) to \(target): \(cause)")
        }
    }

    func remove() {
        unlink(path)
        rmdir(folder)
    }
}

extension OperationInfo {
    /// The first required input that takes an image or an array of images, in priority order.
    var firstImageInput: ArgumentInfo? {
        arguments.first { $0.isInput && $0.isRequired && ($0.type == .image || $0.type == .arrayImage) }
    }
}

import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// Runs one job in the calling thread or process: writes to a temporary file in the output's directory and
/// renames it into place, so an output is either the old file, the complete new one, or absent.
///
/// The job's saver was chosen when the recipe was checked, possibly from `.imgmake/catalog.json` (see
/// `CachedCatalog`) without libvips: before anything is written it must be the saver libvips itself picks for
/// the output's name, so a stale or forged cache can fail a job but never write, say, JPEG data to a `.png`.
enum JobRunner {
    static func run(_ request: JobRequest) -> JobOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        if let error = wrongSaver(request) {
            return JobOutcome(id: request.id, summary: nil, error: error, seconds: seconds())
        }
        let directory = PathName.directory(of: request.output)
        do {
            try RealDisk().makeDirectories(directory)
        } catch {
            return JobOutcome(
                id: request.id, summary: nil,
                error: ImageJobError(step: "mkdir", input: nil, message: "\(error)"), seconds: seconds())
        }
        let temporary = TemporaryFiles.shared.make(for: request.output)
        defer { TemporaryFiles.shared.release(temporary) }
        do {
            var summary = try ImageRunner.run(request.job, writingTo: temporary)
            guard rename(temporary, request.output) == 0 else {
                let message = String(cString: strerror(errno))
                unlink(temporary)
                return JobOutcome(
                    id: request.id, summary: nil,
                    error: ImageJobError(step: "rename", input: nil, message: message), seconds: seconds())
            }
            if summary.bytes == 0, let stamp = RealDisk().stamp(request.output) { summary.bytes = Int(stamp.size) }
            if request.verbose, !request.job.isAggregate, let source = request.job.sources.first,
                let header = try? ImageLoader.header(of: source)
            {
                summary.source = SourceFacts(
                    loader: header.loader, width: header.width, height: header.height, bands: header.bands,
                    bytes: Int(RealDisk().stamp(source)?.size ?? 0))
            }
            return JobOutcome(id: request.id, summary: summary, error: nil, seconds: seconds())
        } catch let error as ImageJobError {
            unlink(temporary)
            return JobOutcome(id: request.id, summary: nil, error: error, seconds: seconds())
        } catch {
            unlink(temporary)
            return JobOutcome(
                id: request.id, summary: nil,
                error: ImageJobError(step: "run", input: request.job.sources.first, message: "\(error)"),
                seconds: seconds())
        }
    }

    /// The error of a job whose saving is not what libvips' own answers give for the output's name: another
    /// saver than libvips picks from the extension, alpha flattened on white by a saver that keeps it (or
    /// not by one that cannot), an option the name implies missing (cheap: lookups in libvips' classes).
    static func wrongSaver(_ request: JobRequest) -> ImageJobError? {
        let job = request.job
        let ext = PathName.fileExtension(request.output).lowercased()
        let name = "x." + ext
        let expected = VipsCatalog.shared.saverNickname(forPath: name)
        var wrong: String?
        if expected != job.saver {
            wrong = "libvips writes .\(ext) files with \(expected ?? "no saver"), not \(job.saver)"
        } else if job.flattensAlphaOnWhite
            != (!JobExpander.saysBackground(steps: job.steps, saveOptions: job.saveOptions)
                && !VipsCatalog.shared.saverKeepsAlpha(job.saver))
        {
            wrong =
                "the job was planned to \(job.flattensAlphaOnWhite ? "" : "not ")flatten alpha on white, which \(job.saver) "
                + (job.flattensAlphaOnWhite ? "does not need (it keeps alpha)" : "needs (it cannot keep alpha)")
        } else if let missing = VipsCatalog.shared.saveOptions(impliedByPath: name)
            .first(where: { implied in !job.saveOptions.contains { $0.name == implied.name } })
        {
            wrong = "the option \(missing.name)=\(missing.value.canonicalText) that .\(ext) files imply is missing"
        }
        guard let wrong else { return nil }
        return ImageJobError(
            step: job.saver, input: job.isAggregate ? nil : job.sources.first,
            message:
                "refused: \(wrong) (the job was planned from a stale or damaged \(BuildState.directoryName)/catalog.json, "
                + "which is checked and rewritten when jobs run): build again")
    }
}

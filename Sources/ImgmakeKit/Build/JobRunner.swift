import Foundation
import ImgmakeVips

/// Runs one job in the calling thread or process: writes to a temporary file in the output's directory and
/// renames it into place, so an output is either the old file, the complete new one, or absent.
public enum JobRunner {
    public static func run(_ request: JobRequest) -> JobOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let directory = PathName.directory(of: request.output)
        do {
            try RealDisk().makeDirectories(directory)
        } catch {
            return JobOutcome(id: request.id, summary: nil,
                              error: ImageJobError(step: "mkdir", input: nil, message: "\(error)"), seconds: seconds())
        }
        let temporary = TemporaryFiles.shared.make(for: request.output)
        defer { TemporaryFiles.shared.release(temporary) }
        do {
            var summary = try ImageRunner.run(request.job, writingTo: temporary)
            guard rename(temporary, request.output) == 0 else {
                let message = String(cString: strerror(errno))
                unlink(temporary)
                return JobOutcome(id: request.id, summary: nil,
                                  error: ImageJobError(step: "rename", input: nil, message: message), seconds: seconds())
            }
            if summary.bytes == 0, let stamp = RealDisk().stamp(request.output) { summary.bytes = Int(stamp.size) }
            return JobOutcome(id: request.id, summary: summary, error: nil, seconds: seconds())
        } catch let error as ImageJobError {
            unlink(temporary)
            return JobOutcome(id: request.id, summary: nil, error: error, seconds: seconds())
        } catch {
            unlink(temporary)
            return JobOutcome(id: request.id, summary: nil,
                              error: ImageJobError(step: "run", input: request.job.sources.first, message: "\(error)"),
                              seconds: seconds())
        }
    }
}

import ImgmakeJob

/// One job sent to a pool: which output to make, and how.
package struct JobRequest: Sendable, Codable {
    package var id: Int
    /// Absolute path of the output.
    package var output: String
    package var job: ImageJob
    /// `-v`: the outcome's summary says what the source was (`ImageSummary.source`: its loader and header).
    package var verbose: Bool
    package init(id: Int, output: String, job: ImageJob, verbose: Bool = false) {
        self.id = id
        self.output = output
        self.job = job
        self.verbose = verbose
    }
}

/// What came of a job: the image written, or why not, and how long it took.
package struct JobOutcome: Sendable, Codable {
    package var id: Int
    package var summary: ImageSummary?
    package var error: ImageJobError?
    package var seconds: Double
    /// The job did not fail by itself: its worker process was ended by this signal (SIGTERM, SIGINT, SIGHUP),
    /// sent by imgmake winding down an interrupted build or by whoever stopped imgmake (a process-group or
    /// cgroup stop signals the workers too). The builder reports it as interrupted when the build is.
    package var stoppedBy: Int32?
    /// What a `python` or `worker` function returned, as compact JSON text (nil: nothing, or `None`).
    package var result: String?
    /// What the user's code printed during the job (stdout and stderr), shown with it.
    package var output: String?
    /// The pool's worker (thread or process slot) that ran it, from 1: `--trace`'s thread, the report's `worker`.
    package var worker: Int?
    package init(
        id: Int, summary: ImageSummary?, error: ImageJobError?, seconds: Double, stoppedBy: Int32? = nil,
        result: String? = nil
    ) {
        self.result = result
        self.id = id
        self.summary = summary
        self.error = error
        self.seconds = seconds
        self.stoppedBy = stoppedBy
    }
}

/// A pool that runs jobs (`ThreadPool`, `ProcessPool` in ImgmakeCLI; `FakeExecutor` in tests). The builder alone decides what
/// runs when, and alone writes state; a pool only runs what it is given and hands back outcomes. Sendable:
/// `wake()` comes from the interrupt's thread while the builder waits in `nextOutcome()`.
package protocol JobExecutor: AnyObject, Sendable {
    /// Starts a job; at most as many run at once as the pool has workers (the builder never submits more).
    func submit(_ request: JobRequest)
    /// Blocks until an outcome is ready, or until `wake()` is called (then nil).
    func nextOutcome() -> JobOutcome?
    /// Makes a waiting `nextOutcome()` return (used by Ctrl-C).
    func wake()
    /// Ends the workers once the jobs in flight are done.
    func shutdown()
}

import ImgmakeJob

/// One job sent to a pool: which output to make, and how.
public struct JobRequest: Sendable, Codable {
    public var id: Int
    /// Absolute path of the output.
    public var output: String
    public var job: ImageJob
    public init(id: Int, output: String, job: ImageJob) {
        self.id = id
        self.output = output
        self.job = job
    }
}

/// What came of a job: the image written, or why not, and how long it took.
public struct JobOutcome: Sendable, Codable {
    public var id: Int
    public var summary: ImageSummary?
    public var error: ImageJobError?
    public var seconds: Double
    /// The job did not fail by itself: its worker process was ended by this signal (SIGTERM, SIGINT, SIGHUP),
    /// sent by imgmake winding down an interrupted build or by whoever stopped imgmake (a process-group or
    /// cgroup stop signals the workers too). The builder reports it as interrupted when the build is.
    public var stoppedBy: Int32?
    public init(id: Int, summary: ImageSummary?, error: ImageJobError?, seconds: Double, stoppedBy: Int32? = nil) {
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
public protocol JobExecutor: AnyObject, Sendable {
    /// Starts a job; at most as many run at once as the pool has workers (the builder never submits more).
    func submit(_ request: JobRequest)
    /// Blocks until an outcome is ready, or until `wake()` is called (then nil).
    func nextOutcome() -> JobOutcome?
    /// Makes a waiting `nextOutcome()` return (used by Ctrl-C).
    func wake()
    /// Ends the workers once the jobs in flight are done.
    func shutdown()
}

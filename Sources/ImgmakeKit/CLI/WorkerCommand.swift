import ArgumentParser

/// `imgmake __worker`: a process-pool worker (hidden; started by the parent with exec).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "__worker", abstract: "Run jobs for a parent imgmake.",
                                                    shouldDisplay: false)

    func run() throws {
        throw UsageError("the process pool is not available in this version")
    }
}

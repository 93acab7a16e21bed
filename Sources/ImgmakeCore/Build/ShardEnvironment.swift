/// `--shard auto` (README's *Using imgmake in CI*): the shard a scheduler gave this job, read from the variables
/// it sets, in this order: GitLab CI (`CI_NODE_INDEX`/`CI_NODE_TOTAL`, 1-based), CircleCI
/// (`CIRCLE_NODE_INDEX`/`CIRCLE_NODE_TOTAL`, 0-based), Buildkite (`BUILDKITE_PARALLEL_JOB`/`_COUNT`, 0-based),
/// Slurm job arrays (`SLURM_ARRAY_TASK_ID` with `_COUNT`, `_MIN` and `_STEP`: any first index and step) and
/// Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`, 0-based; the count from `--shard-count N`, which the Job's
/// `completions` is and its pods are not told).
package enum ShardEnvironment {
    /// The shard found, and what it came from, for the message (`GitLab CI (CI_NODE_INDEX=2, CI_NODE_TOTAL=3)`).
    package struct Found: Equatable, Sendable {
        package var shard: Shard
        package var source: String
    }

    /// The schedulers' names and the variables each is recognised by (for the error that none is set).
    static let schedulers: [(name: String, variable: String)] = [
        ("GitLab CI", "CI_NODE_INDEX"), ("CircleCI", "CIRCLE_NODE_INDEX"), ("Buildkite", "BUILDKITE_PARALLEL_JOB"),
        ("a Slurm job array", "SLURM_ARRAY_TASK_ID"), ("a Kubernetes Indexed Job", "JOB_COMPLETION_INDEX"),
    ]

    /// The shard of this job from `environment`; `count` is `--shard-count N`, required for Kubernetes and
    /// checked against the scheduler's own count otherwise.
    package static func shard(in environment: [String: String], count: Int? = nil) throws(ShardEnvironmentError) -> Found {
        func number(_ name: String) throws(ShardEnvironmentError) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text) else {
                throw ShardEnvironmentError("\(name)=\(text) is not a whole number")
            }
            return value
        }
        func required(_ name: String, for scheduler: String) throws(ShardEnvironmentError) -> Int {
            guard let value = try number(name) else {
                throw ShardEnvironmentError("\(scheduler) sets no \(name), so the number of shards is not known")
            }
            return value
        }
        func found(_ k: Int, _ n: Int, _ scheduler: String, _ names: [String]) throws(ShardEnvironmentError) -> Found {
            let shown = names.compactMap { name in environment[name].map { "\(name)=\($0)" } }.joined(separator: ", ")
            if let count, count != n, !names.isEmpty, scheduler != "a Kubernetes Indexed Job" {
                throw ShardEnvironmentError("--shard-count \(count) disagrees with \(scheduler) (\(shown))")
            }
            guard n >= 1, k >= 1, k <= n else {
                throw ShardEnvironmentError("\(scheduler) (\(shown)) gives shard \(k) of \(n), which is not a shard")
            }
            return Found(shard: Shard(index: k, count: n), source: "\(scheduler) (\(shown))")
        }

        if let index = try number("CI_NODE_INDEX") {
            return try found(index, try required("CI_NODE_TOTAL", for: "GitLab CI"), "GitLab CI", ["CI_NODE_INDEX", "CI_NODE_TOTAL"])
        }
        if let index = try number("CIRCLE_NODE_INDEX") {
            let total = try required("CIRCLE_NODE_TOTAL", for: "CircleCI")
            return try found(index + 1, total, "CircleCI", ["CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL"])
        }
        if let index = try number("BUILDKITE_PARALLEL_JOB") {
            let total = try required("BUILDKITE_PARALLEL_JOB_COUNT", for: "Buildkite")
            return try found(index + 1, total, "Buildkite", ["BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT"])
        }
        if let id = try number("SLURM_ARRAY_TASK_ID") {
            let scheduler = "a Slurm job array"
            let names = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT"]
            let total = try required("SLURM_ARRAY_TASK_COUNT", for: scheduler)
            let first = try required("SLURM_ARRAY_TASK_MIN", for: scheduler)
            let step = try number("SLURM_ARRAY_TASK_STEP") ?? 1
            guard step >= 1, id >= first, (id - first) % step == 0 else {
                let shown = names.compactMap { name in environment[name].map { "\(name)=\($0)" } }.joined(separator: ", ")
                throw ShardEnvironmentError(
                    "\(scheduler) (\(shown)): task \(id) is not on the array's steps, so its shard is not known "
                        + "(give the array as a range with a step: --array=1-8 or --array=0-14:2)")
            }
            return try found((id - first) / step + 1, total, scheduler, names)
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw ShardEnvironmentError(
                    "a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=\(index)) does not tell its pods how many there are: "
                        + "add --shard-count N (the Job's completions)")
            }
            return try found(index + 1, count, "a Kubernetes Indexed Job", ["JOB_COMPLETION_INDEX"])
        }
        throw ShardEnvironmentError(
            "--shard auto found no scheduler's variables: "
                + schedulers.map { "\($0.variable) (\($0.name))" }.joined(separator: ", ")
                + "; give the shard as --shard K/N")
    }
}

/// Why `--shard auto` found no shard (a usage error: exit 2).
package struct ShardEnvironmentError: Error, Equatable, CustomStringConvertible {
    package var message: String
    init(_ message: String) { self.message = message }
    package var description: String { message }
}

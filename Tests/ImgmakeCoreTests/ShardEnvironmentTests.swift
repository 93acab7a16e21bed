import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// `--shard auto` (README's *Using imgmake in CI*): the shard each scheduler gives a job, from its variables.
@Suite struct ShardEnvironmentTests {
    func shard(_ environment: [String: String], count: Int? = nil) throws -> ShardEnvironment.Found {
        try ShardEnvironment.shard(in: environment, count: count)
    }

    func error(_ environment: [String: String], count: Int? = nil) -> String? {
        do {
            _ = try ShardEnvironment.shard(in: environment, count: count)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func gitLabCountsFromOne() throws {
        let found = try shard(["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3", "CI": "true"])
        #expect(found == ShardEnvironment.Found(shard: Shard(index: 2, count: 3), source: "GitLab CI (CI_NODE_INDEX=2, CI_NODE_TOTAL=3)"))
        #expect(error(["CI_NODE_INDEX": "1"]) == "GitLab CI sets no CI_NODE_TOTAL, so the number of shards is not known")
        #expect(
            error(["CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"])
                == "GitLab CI (CI_NODE_INDEX=0, CI_NODE_TOTAL=3) gives shard 0 of 3, which is not a shard")
    }

    @Test func circleCICountsFromZero() throws {
        #expect(try shard(["CIRCLE_NODE_INDEX": "0", "CIRCLE_NODE_TOTAL": "4"]).shard == Shard(index: 1, count: 4))
        #expect(try shard(["CIRCLE_NODE_INDEX": "3", "CIRCLE_NODE_TOTAL": "4"]).shard == Shard(index: 4, count: 4))
        #expect(error(["CIRCLE_NODE_INDEX": "4", "CIRCLE_NODE_TOTAL": "4"])?.contains("gives shard 5 of 4") == true)
    }

    @Test func buildkiteCountsFromZero() throws {
        let found = try shard(["BUILDKITE_PARALLEL_JOB": "1", "BUILDKITE_PARALLEL_JOB_COUNT": "2"])
        #expect(found.shard == Shard(index: 2, count: 2))
        #expect(found.source == "Buildkite (BUILDKITE_PARALLEL_JOB=1, BUILDKITE_PARALLEL_JOB_COUNT=2)")
    }

    @Test func slurmArraysOfAnyBaseAndStep() throws {
        func slurm(_ id: Int, min: Int, step: Int?, count: Int) -> [String: String] {
            var environment = [
                "SLURM_ARRAY_TASK_ID": String(id), "SLURM_ARRAY_TASK_MIN": String(min),
                "SLURM_ARRAY_TASK_COUNT": String(count), "SLURM_JOB_ID": "77",
            ]
            if let step { environment["SLURM_ARRAY_TASK_STEP"] = String(step) }
            return environment
        }
        // --array=1-3
        #expect(try shard(slurm(1, min: 1, step: 1, count: 3)).shard == Shard(index: 1, count: 3))
        #expect(try shard(slurm(3, min: 1, step: 1, count: 3)).shard == Shard(index: 3, count: 3))
        // --array=0-9 (no step variable: 1)
        #expect(try shard(slurm(0, min: 0, step: nil, count: 10)).shard == Shard(index: 1, count: 10))
        // --array=10-20:5: tasks 10, 15, 20
        #expect(try shard(slurm(15, min: 10, step: 5, count: 3)).shard == Shard(index: 2, count: 3))
        #expect(try shard(slurm(20, min: 10, step: 5, count: 3)).source.hasPrefix("a Slurm job array (SLURM_ARRAY_TASK_ID=20"))
        #expect(error(slurm(12, min: 10, step: 5, count: 3))?.contains("task 12 is not on the array's steps") == true)
        #expect(
            error(["SLURM_ARRAY_TASK_ID": "1"]) == "a Slurm job array sets no SLURM_ARRAY_TASK_COUNT, so the number of shards is not known")
    }

    @Test func kubernetesIndexedJobsNeedTheCount() throws {
        #expect(try shard(["JOB_COMPLETION_INDEX": "0"], count: 5).shard == Shard(index: 1, count: 5))
        #expect(try shard(["JOB_COMPLETION_INDEX": "4"], count: 5).source == "a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=4)")
        #expect(error(["JOB_COMPLETION_INDEX": "2"])?.contains("add --shard-count N") == true)
        #expect(error(["JOB_COMPLETION_INDEX": "5"], count: 5)?.contains("gives shard 6 of 5") == true)
    }

    @Test func noSchedulerAndBadValuesAreClearErrors() {
        let none = error(["HOME": "/root", "CI": "true"])
        #expect(
            none?.hasPrefix("--shard auto found no scheduler's variables: CI_NODE_INDEX (GitLab CI), CIRCLE_NODE_INDEX (CircleCI)") == true)
        #expect(none?.hasSuffix("give the shard as --shard K/N") == true)
        #expect(error(["CI_NODE_INDEX": "two", "CI_NODE_TOTAL": "3"]) == "CI_NODE_INDEX=two is not a whole number")
        #expect(
            error(["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"], count: 4)
                == "--shard-count 4 disagrees with GitLab CI (CI_NODE_INDEX=1, CI_NODE_TOTAL=3)")
        // The first scheduler in the list wins when several are set (a GitLab runner inside a Slurm allocation).
        #expect(try! shard(["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2", "SLURM_ARRAY_TASK_ID": "5"]).source.hasPrefix("GitLab CI"))
    }

    @Test func theFanInRunWarnsWhenAShardsLogIsMissing() throws {
        let disk = MemoryDisk()
        for k in [1, 3] {
            let state = BuildState(root: "/t", disk: disk, logName: Shard(index: k, count: 3).logName)
            try state.record(
                BuildRecord(output: "out/\(k).png", outputStamp: FileStamp(mtime: 1, size: 1), recipeFingerprint: 1, inputs: [], builtAt: 1)
            )
        }
        let fanIn = BuildState(root: "/t", disk: disk)
        #expect(
            fanIn.warnings == [
                "/t/.imgmake holds the logs of shards 1 and 3 of 3, not of shard 2 (log.shard-2-of-3 missing): their outputs are judged "
                    + "without their records (rebuilt, or adopted by modification times)"
            ], "\(fanIn.warnings)")
        // A shard's own run does not warn (it sees the others' logs only when a tree is reused), nor a complete set.
        #expect(BuildState(root: "/t", disk: disk, logName: Shard(index: 1, count: 3).logName).warnings.isEmpty)
        let state = BuildState(root: "/t", disk: disk, logName: Shard(index: 2, count: 3).logName)
        try state.record(
            BuildRecord(output: "out/2.png", outputStamp: FileStamp(mtime: 1, size: 1), recipeFingerprint: 1, inputs: [], builtAt: 1))
        #expect(BuildState(root: "/t", disk: disk).warnings.isEmpty)
    }
}

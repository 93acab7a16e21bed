import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 16, *Schedulers*, and README's *Using imgmake in CI*: `ci-examples/slurm.sh` on a real one-node Slurm
/// (Debian's `slurm-wlm` and `munge`, started here as root on loopback ports, with their configuration, state and
/// logs in the sandbox): a job array of 3 `--shard auto` tasks, then the fan-in job (`--dependency=afterok`); the
/// tree equals an unsharded build. When Slurm cannot be started here, the test says why and fails.
@Suite(.serialized) struct SlurmTests {
    /// munged, slurmctld and slurmd for one node, all in `folder`; stopped by `stop()`.
    final class Cluster {
        let folder: String
        let configuration: String
        var daemons: [Spawned] = []
        let box: Sandbox

        init(in box: Sandbox) throws {
            self.box = box
            folder = box.base + "/slurm"
            configuration = folder + "/slurm.conf"
            for sub in ["state", "spool", "log", "munge"] {
                try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
            }
            chmod(folder + "/munge", 0o700)
            let key = folder + "/munge/munge.key"
            try Data((0..<1024).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: key))
            chmod(key, 0o400)
            var name = [CChar](repeating: 0, count: 256)
            gethostname(&name, name.count)
            let host = String(cString: name).split(separator: ".").first.map(String.init) ?? "localhost"
            let socket = folder + "/munge/munge.socket"
            let (controller, node) = (try freeTCPPort(), try freeTCPPort())
            try """
            ClusterName=imgmaketest
            SlurmctldHost=\(host)(127.0.0.1)
            SlurmctldPort=\(controller)
            SlurmdPort=\(node)
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            AuthInfo=socket=\(socket)
            CredType=cred/munge
            StateSaveLocation=\(folder)/state
            SlurmdSpoolDir=\(folder)/spool
            SlurmctldPidFile=\(folder)/slurmctld.pid
            SlurmdPidFile=\(folder)/slurmd.pid
            SlurmctldLogFile=\(folder)/log/slurmctld.log
            SlurmdLogFile=\(folder)/log/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            JobCompType=jobcomp/none
            MpiDefault=none
            SwitchType=switch/none
            SchedulerType=sched/builtin
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            ReturnToService=2
            NodeName=\(host) NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
            PartitionName=debug Nodes=\(host) Default=YES MaxTime=INFINITE State=UP

            """.write(toFile: configuration, atomically: true, encoding: .utf8)
            daemons.append(
                try box.spawn(
                    "munged",
                    [
                        "-F", "-f", "--key-file=\(key)", "--socket=\(socket)", "--pid-file=\(folder)/munge/munged.pid",
                        "--log-file=\(folder)/munge/munged.log", "--seed-file=\(folder)/munge/seed",
                    ]))
            try waitUntil("munged's socket", timeout: 20) { FileManager.default.fileExists(atPath: socket) }
            daemons.append(try box.spawn("slurmctld", ["-D", "-i", "-f", configuration], environment: environment))
            daemons.append(try box.spawn("slurmd", ["-D", "-N", host, "-f", configuration], environment: environment))
            // A loaded machine (the whole suite on 2 cores) can take a while; a node that never comes up stops the
            // daemons and says what they logged.
            do {
                try waitUntil("the node to be idle (sinfo)", timeout: 120) {
                    let info = try? box.spawn("sinfo", ["-h", "-o", "%T"], environment: environment).wait(timeout: 20)
                    return info?.stdout.contains("idle") == true
                }
            } catch {
                stop()
                throw HarnessError("\(error)\n\(logs)")
            }
        }

        var environment: [String: String] { ["SLURM_CONF": configuration] }

        /// What the daemons logged, for a failure's message.
        var logs: String {
            ["munge/munged.log", "log/slurmctld.log", "log/slurmd.log"].map { file in
                "--- \(file)\n" + ((try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)) ?? "(none)")
            }.joined(separator: "\n")
        }

        func stop() {
            for daemon in daemons.reversed() {
                daemon.send(SIGTERM)
                _ = try? daemon.wait(timeout: 20)
            }
        }
    }

    @Test(.enabled(if: getuid() == 0, "Slurm's daemons are started as root"))
    func theSlurmExampleShardsAndFansIn() throws {
        let box = try Sandbox("slurm")
        try DemoTree.copy(into: box)
        let reference = try DemoTree.reference(of: box)

        let cluster: Cluster
        do { cluster = try Cluster(in: box) } catch {
            Issue.record("cannot start a one-node Slurm here (slurm-wlm and munge, as root): \(error)")
            return
        }
        defer { cluster.stop() }
        // imgmake on PATH for the jobs (sbatch passes the submitter's environment on).
        let path =
            (Imgmake.binary as NSString).deletingLastPathComponent + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var environment = cluster.environment
        environment["PATH"] = path
        let submitted = try box.spawn("sh", [Imgmake.repository + "/ci-examples/slurm.sh", "recipes/demo"], environment: environment)
            .wait(timeout: 60)
        try #require(submitted.status == 0, "\(submitted)\n\(cluster.logs)")
        let jobs = submitted.stdout.split(separator: "\n").map(String.init)
        #expect(jobs.count == 2, "the array's and the fan-in's job ids: \(submitted)")
        try waitUntil("the fan-in job's report", timeout: 300) {
            let queue = try? box.spawn("squeue", ["-h"], environment: environment).wait(timeout: 20)
            return box.exists("recipes/demo/report.json") && queue?.stdout.isEmpty == true
        }
        let logs = box.files(under: "recipes/demo").filter { $0.hasSuffix(".log") && $0.contains("slurm-") }
        let text = try logs.map { "--- \($0)\n" + (try box.read($0)) }.joined(separator: "\n")
        #expect(logs.count == 4, "3 shard tasks and the fan-in job: \(logs)\n\(text)")
        for k in 1...3 {
            #expect(text.contains("imgmake: --shard auto: shard \(k)/3 from a Slurm job array (SLURM_ARRAY_TASK_ID=\(k), "), "\(text)")
            #expect(box.exists("recipes/demo/.imgmake/log.shard-\(k)-of-3") || box.exists("recipes/demo/.imgmake/snapshot"))
        }
        #expect(!text.contains("holds the logs of shard"), "every shard's log was there for the fan-in: \(text)")
        // The fan-in built the sheet alone; the tree is the unsharded build's.
        let report = try #require(try JSONSerialization.jsonObject(with: box.data("recipes/demo/report.json")) as? [String: Any])
        let outputs = try #require(report["outputs"] as? [[String: Any]])
        let built = outputs.filter { $0["status"] as? String == "built" }.compactMap { $0["target"] as? String }
        #expect(built == ["build/contact-sheet.jpg"], "\(built)")
        try DemoTree.expectSameOutputs(reference, box.root)
    }
}

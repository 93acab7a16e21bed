/// Makes the pool a build asked for.
public enum ExecutorFactory {
    /// `settings` matter to the process pool only (a thread cannot be killed or recycled).
    public static func make(_ kind: PoolKind, workers: Int, settings: ProcessPool.Settings = ProcessPool.Settings()) -> JobExecutor {
        switch kind {
        case .thread: return ThreadPool(workers: workers)
        case .process: return ProcessPool(workers: workers, settings: settings)
        }
    }
}

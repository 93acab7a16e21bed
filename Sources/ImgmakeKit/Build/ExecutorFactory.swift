/// Makes the pool a build asked for.
public enum ExecutorFactory {
    public static func make(_ kind: PoolKind, workers: Int) -> JobExecutor {
        switch kind {
        case .thread: return ThreadPool(workers: workers)
        case .process: return ThreadPool(workers: workers)  // The process pool replaces this (issue 3).
        }
    }
}

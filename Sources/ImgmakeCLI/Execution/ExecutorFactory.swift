import ImgmakeCore

/// Makes the pool a build asked for.
enum ExecutorFactory {
    /// `settings` matter to the process pool, and to the thread pool's jobs run in a worker process
    /// (`ThreadPool.saversRunInAWorker`): a thread cannot be killed or recycled.
    static func make(_ kind: PoolKind, workers: Int, settings: ProcessPool.Settings = ProcessPool.Settings()) -> JobExecutor {
        switch kind {
        case .thread: return ThreadPool(workers: workers, settings: settings)
        case .process: return ProcessPool(workers: workers, settings: settings)
        }
    }
}

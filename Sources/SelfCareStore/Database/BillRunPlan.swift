/// How a bill run uses the engine under it: PostgreSQL bills with several processes side by side, each claiming the
/// clients it bills (`FOR UPDATE SKIP LOCKED`), two batches rated ahead in each; SQLite, one writer at a time, bills in
/// one process with batches read and rated ahead while another is written.
package struct BillRunPlan: Sendable, Equatable {
    /// Processes billing the period together.
    package var processes: Int
    /// Batches read and rated ahead in each process.
    package var batchesAhead: Int
}

extension Database {
    /// The plan for a bill run asked to use `workers` (the command line's `--workers`; nil for the engine's default).
    package func billRunPlan(workers: Int?) -> BillRunPlan {
        switch engine {
        case .postgres: BillRunPlan(processes: workers ?? 1, batchesAhead: 2)
        case .sqlite: BillRunPlan(processes: 1, batchesAhead: workers ?? 2)
        }
    }
}

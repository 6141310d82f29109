package dev.avatarmigrate.engine;

/**
 * What every stage of one run shares: the safety-ordered steps, the store, the plan, the listing of the
 * sources, the pool size, the listener that hears every outcome, and the signal that stops the run.
 */
record MoveRun(
    MoveSteps steps,
    ObjectStore store,
    MovePlan plan,
    SourceListing sources,
    int concurrency,
    MigrationListener listener,
    StopSignal stop) {}

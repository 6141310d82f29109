package dev.avatarmigrate.engine;

/**
 * What every stage of one run shares: the safety-ordered steps, the store, the plan, the listing of the
 * sources, the pool size, the pace objects are started at, the listener that hears every outcome, and the
 * signal that stops the run.
 */
record MoveRun(
    MoveSteps steps,
    ObjectStore store,
    MovePlan plan,
    SourceListing sources,
    int concurrency,
    Pace pace,
    MigrationListener listener,
    StopSignal stop) {}

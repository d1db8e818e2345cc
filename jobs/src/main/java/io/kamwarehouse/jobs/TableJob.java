package io.kamwarehouse.jobs;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;

/**
 * A job that builds one table from its spec. It reads only the spec's inputs (through
 * {@link JobInputs}), writes only the spec's table, and reports what it did; the caller records
 * the result in the run log and runs the data checks.
 */
public interface TableJob {

    JobResult run(RunContext ctx, TableSpec spec, JobOptions options);

    /**
     * The inputs pinned and the fingerprint a build of the table would record now, so a dry run
     * tells whether it is up to date exactly as the build does; null for a job that keeps no such
     * fingerprint (staging, whose merges are decided by the batches new in bronze).
     */
    default QueryInputs prepared(final io.kamwarehouse.runtime.Warehouse wh, final TableSpec spec) {
        return null;
    }

    /** An incremental run. */
    default JobResult run(final RunContext ctx, final TableSpec spec) {
        return run(ctx, spec, JobOptions.INCREMENTAL);
    }
}

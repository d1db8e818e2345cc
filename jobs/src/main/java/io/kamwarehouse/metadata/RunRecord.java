package io.kamwarehouse.metadata;

import java.sql.Timestamp;
import java.util.Map;

/**
 * One row of the run log: what a job read (tables and their Delta versions), what it wrote, how
 * many rows went in, out and to quarantine, and how it ended.
 */
public record RunRecord(
        String runId,
        String pipelineRunId,
        String job,
        String arguments,
        Timestamp startedAt,
        Timestamp endedAt,
        String status,
        Map<String, Long> inputVersions,
        String outputTable,
        Long outputVersion,
        long rowsRead,
        long rowsWritten,
        long rowsQuarantined,
        String message) {

    /** The job wrote its output. */
    public static final String SUCCEEDED = "succeeded";
    /** The job failed; nothing it would have written was committed. */
    public static final String FAILED = "failed";
    /** The job's input was refused whole (bad file): nothing written. */
    public static final String REJECTED = "rejected";
    /** There was nothing to do (input already processed, or empty). */
    public static final String SKIPPED = "skipped";
    /** A data check after the job failed; downstream jobs were not run. */
    public static final String CHECK_FAILED = "check_failed";
}

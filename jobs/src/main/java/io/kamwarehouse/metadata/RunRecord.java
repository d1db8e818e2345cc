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
        RunStatus status,
        Map<String, Long> inputVersions,
        String outputTable,
        Long outputVersion,
        long rowsRead,
        long rowsWritten,
        long rowsQuarantined,
        String message) {

    // The outcomes by their old names here, for the code that still uses them; RunStatus has them all.
    public static final RunStatus SUCCEEDED = RunStatus.SUCCEEDED;
    public static final RunStatus FAILED = RunStatus.FAILED;
    public static final RunStatus REJECTED = RunStatus.REJECTED;
    public static final RunStatus SKIPPED = RunStatus.SKIPPED;
    public static final RunStatus CHECK_FAILED = RunStatus.CHECK_FAILED;
}

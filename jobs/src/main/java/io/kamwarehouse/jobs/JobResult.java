package io.kamwarehouse.jobs;

import java.util.Map;

import io.kamwarehouse.metadata.RunStatus;

/**
 * What one table job did, for the run log.
 *
 * @param table         the table written
 * @param status        {@link RunStatus#SUCCEEDED} (the table was written) or {@link RunStatus#SKIPPED} (nothing new)
 * @param rowsRead      input rows read (new bronze rows for an incremental staging run)
 * @param rowsWritten   rows inserted or updated (all rows for a rebuild)
 * @param outputVersion the table's Delta version after the run (-1 when it does not exist)
 * @param inputVersions the Delta version of every input read
 * @param message       what happened, in a sentence
 * @param checkScope    a SQL predicate selecting the rows this run replaced, which the row checks need to
 *                      look at (the table's other rows were checked when they were written); null for all
 */
public record JobResult(String table, RunStatus status, long rowsRead, long rowsWritten, long outputVersion,
        Map<String, Long> inputVersions, String message, String checkScope) {

    public JobResult {
        inputVersions = Map.copyOf(inputVersions);
    }

    /** A result whose checks look at the whole table. */
    public JobResult(final String table, final RunStatus status, final long rowsRead, final long rowsWritten, final long outputVersion,
            final Map<String, Long> inputVersions, final String message) {
        this(table, status, rowsRead, rowsWritten, outputVersion, inputVersions, message, null);
    }
}

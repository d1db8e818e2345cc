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
 */
public record JobResult(String table, RunStatus status, long rowsRead, long rowsWritten, long outputVersion,
        Map<String, Long> inputVersions, String message) {

    public JobResult {
        inputVersions = Map.copyOf(inputVersions);
    }
}

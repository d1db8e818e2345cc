package io.kamwarehouse.ingest;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.kamwarehouse.metadata.RunStatus;

/** What one batch (the files of one entity in one drop) came to. */
public record IngestResult(
        String entity,
        String bronzeTable,
        LocalDate dropDate,
        List<String> files,
        String batchId,
        RunStatus status,
        long rowsRead,
        long rowsLoaded,
        long rowsQuarantined,
        Map<String, Long> quarantinedByRule,
        long bronzeVersion,
        String message,
        Duration elapsed) {
}

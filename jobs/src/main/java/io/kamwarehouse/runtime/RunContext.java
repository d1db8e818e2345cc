package io.kamwarehouse.runtime;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.metadata.RunLog;

/** Everything a command's jobs share: the warehouse, contracts, run log, and the id of this invocation. */
public final class RunContext {

    private final Warehouse warehouse;
    private final SchemaFiles schemas;
    private final ContractCatalog contracts;
    private final RunLog runLog;
    private final Progress progress;
    private final String pipelineRunId;
    private final WriteObserver writeObserver;

    public RunContext(final Warehouse warehouse, final SchemaFiles schemas, final ContractCatalog contracts,
            final Progress progress) {
        this(warehouse, schemas, contracts, progress, newRunId());
    }

    /** A context whose run id is {@code runId} (the id the command's warehouse lease holds). */
    public RunContext(final Warehouse warehouse, final SchemaFiles schemas, final ContractCatalog contracts,
            final Progress progress, final String runId) {
        this(warehouse, schemas, contracts, new RunLog(warehouse.spark(), warehouse.tablePath(RunLog.TABLE)), progress,
                runId, null);
    }

    private RunContext(final Warehouse warehouse, final SchemaFiles schemas, final ContractCatalog contracts,
            final RunLog runLog, final Progress progress, final String pipelineRunId, final WriteObserver writeObserver) {
        this.warehouse = warehouse;
        this.schemas = schemas;
        this.contracts = contracts;
        this.runLog = runLog;
        this.progress = progress;
        this.pipelineRunId = pipelineRunId;
        this.writeObserver = writeObserver;
    }

    /**
     * The same run on a session of its own: a step built beside others (see
     * {@code TableRunner}) sets session settings and registers its inputs as temporary views,
     * which must not reach a step running at the same time. The new session shares the Spark
     * context, its cached data and every setting this run's session has; the run id, run log and
     * progress are the same.
     */
    public RunContext onOwnSession() {
        return new RunContext(new Warehouse(SparkSessions.childOf(warehouse.spark()), warehouse.config()), schemas,
                contracts, runLog, progress, pipelineRunId, null);
    }

    /** The same run, for one table build whose written rows {@code observer} watches (see {@link #observeWrite}). */
    public RunContext withWriteObserver(final WriteObserver observer) {
        return new RunContext(warehouse, schemas, contracts, runLog, progress, pipelineRunId, observer);
    }

    /**
     * The frame a table job writes, observed by this build's {@link WriteObserver} if it has one.
     * A job calls it only on a frame that is the whole table it writes, or exactly the rows its
     * check scope selects.
     */
    public org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> observeWrite(
            final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows) {
        return writeObserver == null ? rows : writeObserver.observe(rows);
    }

    /** A run id that sorts by time: {@code 20261122T160501-1a2b3c4d}. */
    public static String newRunId() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    public Warehouse warehouse() {
        return warehouse;
    }

    public SchemaFiles schemas() {
        return schemas;
    }

    public ContractCatalog contracts() {
        return contracts;
    }

    public RunLog runLog() {
        return runLog;
    }

    public Progress progress() {
        return progress;
    }

    public String pipelineRunId() {
        return pipelineRunId;
    }
}

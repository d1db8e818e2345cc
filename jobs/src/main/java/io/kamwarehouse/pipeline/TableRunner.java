package io.kamwarehouse.pipeline;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.jobs.JobResult;
import io.kamwarehouse.jobs.TableJobs;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.StepTimer;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.DataChecks;
import io.kamwarehouse.spec.TableSpec;

/**
 * Builds tables from their specs, in dependency order, and runs each table's data checks after
 * its job. A job that fails, or a blocking check that fails, stops the tables downstream of it in
 * this run. Every build is one row in the run log, whatever its outcome.
 */
public final class TableRunner {

    /**
     * What one table build came to, with its checks.
     *
     * @param jobTime   wall time of the job itself (zero when it did not run)
     * @param checkTime wall time of its data checks (zero when they did not run)
     */
    public record Built(String table, JobResult job, List<CheckResult> checks, RunStatus status, String message,
            Duration jobTime, Duration checkTime) {

        public Built(final String table, final JobResult job, final List<CheckResult> checks, final RunStatus status,
                final String message) {
            this(table, job, checks, status, message, Duration.ZERO, Duration.ZERO);
        }

        Built timed(final Duration job, final Duration check) {
            return new Built(table, this.job, checks, status, message, job, check);
        }

        /** Job and checks together. */
        public Duration elapsed() {
            return jobTime.plus(checkTime);
        }
    }

    private final RunContext ctx;
    private Consumer<Built> afterEach = b -> { };

    public TableRunner(final RunContext ctx) {
        this.ctx = ctx;
    }

    /** Calls {@code listener} after each table step, as soon as it is done (the benchmark measures with it). */
    public TableRunner afterEach(final Consumer<Built> listener) {
        this.afterEach = listener;
        return this;
    }

    /** Builds the given specs (already in dependency order). */
    public List<Built> build(final List<TableSpec> specs, final JobOptions options) {
        return build(specs, s -> options);
    }

    /** Builds the given specs (already in dependency order), each with its own options. */
    public List<Built> build(final List<TableSpec> specs, final java.util.function.Function<TableSpec, JobOptions> optionsOf) {
        final List<Built> out = new ArrayList<>();
        final Map<String, String> stopped = new HashMap<>();
        final List<RunRecord> records = new ArrayList<>();
        int n = 0;
        try {
            for (final TableSpec spec : specs) {
                n++;
                final String label = "[" + n + "/" + specs.size() + "] build " + spec.name();
                final Instant start = Instant.now();
                final String upstream = spec.inputs().stream().filter(stopped::containsKey).findFirst().orElse(null);
                Built built;
                if (upstream != null) {
                    built = new Built(spec.name(), null, List.of(), RunStatus.BLOCKED,
                            "not built: its input " + upstream + " " + stopped.get(upstream) + " in this run");
                } else {
                    built = buildOne(spec, optionsOf.apply(spec));
                }
                if (!built.status().ok()) {
                    stopped.put(spec.name(), built.status().text().replace('_', ' '));
                }
                ctx.progress().say(label + ": " + describe(built));
                records.add(record(spec, built, start));
                out.add(built);
                afterEach.accept(built);
            }
        } finally {
            ctx.runLog().append(records);
        }
        return out;
    }

    private Built buildOne(final TableSpec spec, final JobOptions options) {
        final JobResult result;
        final long jobStart = System.nanoTime();
        try {
            result = TableJobs.run(ctx, spec, options);
        } catch (final Exception e) {
            // Spark's AnalysisException is checked in Java's eyes (thrown from Scala undeclared): a query that
            // does not analyse fails its step like any other error, recorded, and the run goes on.
            return new Built(spec.name(), null, List.of(), RunStatus.FAILED, IngestService.rootMessage(e))
                    .timed(Duration.ofNanos(System.nanoTime() - jobStart), Duration.ZERO);
        }
        final Duration jobTime = Duration.ofNanos(System.nanoTime() - jobStart);
        if (result.status() != RunStatus.SUCCEEDED) {
            return new Built(spec.name(), result, List.of(), result.status(), result.message()).timed(jobTime, Duration.ZERO);
        }
        final long checkStart = System.nanoTime();
        final StepTimer checkTimer = new StepTimer();
        final List<CheckResult> checks;
        try {
            checks = DataChecks.run(ctx.warehouse(), spec, result.checkScope());
        } catch (final Exception e) {
            return new Built(spec.name(), result, List.of(), RunStatus.FAILED, "data checks could not run: " + IngestService.rootMessage(e))
                    .timed(jobTime, Duration.ofNanos(System.nanoTime() - checkStart));
        }
        final Duration checkTime = Duration.ofNanos(System.nanoTime() - checkStart);
        checkTimer.lap("data checks (" + checks.size() + ")");
        final List<CheckResult> blocking = DataChecks.blocking(checks);
        if (!blocking.isEmpty()) {
            return new Built(spec.name(), result, checks, RunStatus.CHECK_FAILED, DataChecks.summary(blocking))
                    .timed(jobTime, checkTime);
        }
        final List<CheckResult> warnings = checks.stream().filter(c -> !c.passed()).toList();
        return new Built(spec.name(), result, checks, RunStatus.SUCCEEDED,
                result.message() + (warnings.isEmpty() ? "" : "; warnings: " + DataChecks.summary(warnings)))
                .timed(jobTime, checkTime);
    }

    private RunRecord record(final TableSpec spec, final Built b, final Instant start) {
        final JobResult j = b.job();
        return new RunRecord(RunContext.newRunId(), ctx.pipelineRunId(), "build " + spec.name(),
                "table=" + spec.name() + " job=" + spec.job(), Timestamp.from(start), Timestamp.from(Instant.now()), b.status(),
                j == null ? Map.of() : j.inputVersions(), spec.name(),
                j == null || j.outputVersion() < 0 ? null : j.outputVersion(), j == null ? 0 : j.rowsRead(),
                j == null ? 0 : j.rowsWritten(), 0, b.message());
    }

    /** One line for a build: rows and version, or why it stopped. */
    public static String describe(final Built b) {
        final JobResult j = b.job();
        if (j != null && b.status() == RunStatus.SUCCEEDED) {
            final long passed = b.checks().stream().filter(CheckResult::passed).count();
            return String.format("%,d rows read, %,d written -> v%d; checks %d/%d passed", j.rowsRead(), j.rowsWritten(),
                    j.outputVersion(), passed, b.checks().size());
        }
        return b.status() + ": " + b.message();
    }
}

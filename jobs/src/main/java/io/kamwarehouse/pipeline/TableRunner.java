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
 * its job; tables whose inputs are built are built at once, up to {@value #CONCURRENCY_CONF}.
 * A job that fails, or a blocking check that fails, stops the tables downstream of it in this
 * run. Every build is one row in the run log, whatever its outcome.
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

    /** Spark conf: how many tables a run builds at once ({@value #DEFAULT_CONCURRENCY} unless set; 1 builds one by one). */
    public static final String CONCURRENCY_CONF = "kamw.build.concurrency";
    /** Tables built at once by default: while one step's query runs, the next one is planned and its log read. */
    public static final int DEFAULT_CONCURRENCY = 2;

    /**
     * Builds the given specs (already in dependency order), each with its own options. Up to
     * {@value #CONCURRENCY_CONF} tables are built at once, each on a session of its own, a table as
     * soon as every table it depends on in this run is done; tables start in the given order. A
     * progress line and a run log row are written, and the listener called, as each table
     * finishes; the result is in that order too.
     */
    public List<Built> build(final List<TableSpec> specs, final java.util.function.Function<TableSpec, JobOptions> optionsOf) {
        final int threads = Math.max(1, Math.min(concurrency(), specs.size()));
        // A table waits for the tables it depends on that come before it in the given order: its inputs, and
        // the targets of its relationship checks (two tables can check against each other; the later one
        // checks against the earlier one's build of this run, as one by one).
        final Map<String, Integer> position = new HashMap<>();
        specs.forEach(s -> position.putIfAbsent(s.name(), position.size()));
        final Map<String, Built> done = new java.util.LinkedHashMap<>();
        final Map<String, String> stopped = new HashMap<>();
        final List<RunRecord> records = new ArrayList<>();
        final List<TableSpec> waiting = new java.util.LinkedList<>(specs);
        final java.util.Deque<RunContext> sessions = new java.util.ArrayDeque<>();
        final Map<RunContext, String> pools = new java.util.IdentityHashMap<>();
        final java.util.concurrent.ExecutorService pool = threads == 1 ? null
                : java.util.concurrent.Executors.newFixedThreadPool(threads, daemon());
        final java.util.concurrent.CompletionService<Step> running = pool == null ? null
                : new java.util.concurrent.ExecutorCompletionService<>(pool);
        int busy = 0;
        try {
            while (!waiting.isEmpty() || busy > 0) {
                for (final java.util.Iterator<TableSpec> it = waiting.iterator(); it.hasNext() && busy < threads;) {
                    final TableSpec spec = it.next();
                    final int at = position.get(spec.name());
                    if (!spec.dependencies().stream().filter(d -> position.getOrDefault(d, at) < at).allMatch(done::containsKey)) {
                        continue;
                    }
                    it.remove();
                    final Instant start = Instant.now();
                    final String upstream = spec.inputs().stream().filter(stopped::containsKey).findFirst().orElse(null);
                    if (upstream != null) {
                        finish(new Step(spec, new Built(spec.name(), null, List.of(), RunStatus.BLOCKED,
                                "not built: its input " + upstream + " " + stopped.get(upstream) + " in this run"), start, null),
                                specs.size(), done, stopped, records);
                    } else if (pool == null) {
                        finish(new Step(spec, buildOne(ctx, spec, optionsOf.apply(spec)), start, null), specs.size(), done,
                                stopped, records);
                    } else {
                        final RunContext session = sessions.isEmpty() ? ctx.onOwnSession() : sessions.pop();
                        final String poolName = pools.computeIfAbsent(session, x -> "build-" + (pools.size() + 1));
                        running.submit(() -> {
                            session.warehouse().spark().sparkContext().setLocalProperty("spark.scheduler.pool", poolName);
                            return new Step(spec, buildOne(session, spec, optionsOf.apply(spec)), start, session);
                        });
                        busy++;
                    }
                }
                if (busy == 0) {
                    if (!waiting.isEmpty()) {
                        // cannot happen with specs in dependency order; say so rather than wait for ever
                        throw new IllegalStateException("tables " + waiting.stream().map(TableSpec::name).toList()
                                + " wait for tables that are not being built");
                    }
                    break;
                }
                final Step step = take(running);
                busy--;
                sessions.push(step.session());
                finish(step, specs.size(), done, stopped, records);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            ctx.runLog().append(records);
            // every step's check outcomes, each under its run-log row
            final List<org.apache.spark.sql.Row> checks = new ArrayList<>();
            for (final RunRecord r : records) {
                checks.addAll(CheckResults.rows(r.runId(), ctx.pipelineRunId(), "build", r.outputTable(), r.outputVersion(),
                        done.get(r.outputTable()).checks(), null, r.endedAt()));
            }
            try {
                ctx.warehouse().appendRows(CheckResults.TABLE, checks, CheckResults.SCHEMA);
            } catch (final RuntimeException e) {
                // the run log holds each step's outcome; the checks' table is detail, never a reason to fail the run
                ctx.progress().say("check results not recorded: " + IngestService.rootMessage(e));
            }
        }
        return List.copyOf(done.values());
    }

    /** One table step as it finished, with the session it ran on (null on the caller's). */
    private record Step(TableSpec spec, Built built, Instant start, RunContext session) {
    }

    private static Step take(final java.util.concurrent.CompletionService<Step> running) {
        try {
            return running.take().get();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while tables were being built", e);
        } catch (final java.util.concurrent.ExecutionException e) {
            // buildOne records every exception as a failed step; what reaches here is an Error (out of memory)
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void finish(final Step step, final int total, final Map<String, Built> done, final Map<String, String> stopped,
            final List<RunRecord> records) {
        final Built built = step.built();
        if (!built.status().ok()) {
            stopped.put(step.spec().name(), built.status().text().replace('_', ' '));
        }
        done.put(step.spec().name(), built);
        ctx.progress().say("[" + done.size() + "/" + total + "] build " + step.spec().name() + ": " + describe(built));
        records.add(record(step.spec(), built, step.start()));
        afterEach.accept(built);
    }

    private int concurrency() {
        final String v = ctx.warehouse().spark().conf().get(CONCURRENCY_CONF, String.valueOf(DEFAULT_CONCURRENCY)).trim();
        try {
            final int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (final NumberFormatException e) {
            // below
        }
        throw new io.kamwarehouse.KamwException("--conf " + CONCURRENCY_CONF + "=" + v
                + " is not a number of tables to build at once: give 1 or more (1 builds them one by one)");
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            final Thread t = new Thread(r, "kamw-build-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static Built buildOne(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        JobResult result;
        final long jobStart = System.nanoTime();
        DataChecks.Observer observer;
        io.kamwarehouse.runtime.Warehouse.Commit before;
        for (int attempt = 1;; attempt++) {
            // the row checks are counted while the job writes the table; the checks after it do the rest
            observer = DataChecks.observer(ctx.warehouse(), spec);
            // the version readers see now: where a build that fails its error checks is taken back to
            before = ctx.warehouse().lastCommit(spec.name());
            try {
                result = TableJobs.run(ctx.withWriteObserver(observer), spec, options);
                break;
            } catch (final Exception e) {
                // another writer committed to the table first (the lease off): the job decides again from the
                // table's new state, and finds it built, or builds on what the other wrote
                if (io.kamwarehouse.Conflicts.again("build " + spec.name(), ctx.progress()::say, e, attempt)) {
                    continue;
                }
                // Spark's AnalysisException is checked in Java's eyes (thrown from Scala undeclared): a query that
                // does not analyse fails its step like any other error, recorded, and the run goes on.
                return new Built(spec.name(), null, List.of(), RunStatus.FAILED, IngestService.rootMessage(e))
                        .timed(Duration.ofNanos(System.nanoTime() - jobStart), Duration.ZERO);
            }
        }
        final Duration jobTime = Duration.ofNanos(System.nanoTime() - jobStart);
        io.kamwarehouse.runtime.Faults.point(ctx.warehouse().spark(), "build:" + spec.name());
        if (result.status() != RunStatus.SUCCEEDED) {
            return new Built(spec.name(), result, List.of(), result.status(), result.message()).timed(jobTime, Duration.ZERO);
        }
        final long checkStart = System.nanoTime();
        final StepTimer checkTimer = new StepTimer();
        final List<CheckResult> checks;
        try {
            checks = DataChecks.run(ctx.warehouse(), spec, result.checkScope(), observer);
        } catch (final Exception e) {
            return new Built(spec.name(), result, List.of(), RunStatus.FAILED, "data checks could not run: " + IngestService.rootMessage(e))
                    .timed(jobTime, Duration.ofNanos(System.nanoTime() - checkStart));
        }
        final Duration checkTime = Duration.ofNanos(System.nanoTime() - checkStart);
        checkTimer.lap("data checks (" + checks.size() + ")");
        final List<CheckResult> blocking = DataChecks.blocking(checks);
        if (!blocking.isEmpty()) {
            String withdrawn;
            try {
                withdrawn = FailedBuilds.withdraw(ctx, spec, before, blocking);
            } catch (final Exception e) {
                withdrawn = "the failed build could NOT be withdrawn and is what readers see: " + IngestService.rootMessage(e);
            }
            return new Built(spec.name(), result, checks, RunStatus.CHECK_FAILED, DataChecks.summary(blocking)
                    + (withdrawn.isEmpty() ? "" : "; " + withdrawn)).timed(jobTime, checkTime);
        }
        final List<CheckResult> warnings = checks.stream().filter(c -> !c.passed()).toList();
        if (spec.period() != null) {
            // what this step cost, whole or by period, for the next build's cost rule
            io.kamwarehouse.jobs.BuildCosts.record(ctx.warehouse(), spec.name(), result.checkScope() != null,
                    jobTime.plus(Duration.ofNanos(System.nanoTime() - checkStart)).toMillis());
        }
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

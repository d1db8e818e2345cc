package io.kamwarehouse.pipeline;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.runtime.RunContext;

/**
 * Runs what is due, in dependency order, in one Spark session: every pending landing batch into
 * bronze, then every table with a spec (silver, gold), each followed by its data checks. Each
 * step is recorded in the run log by the service that runs it.
 */
public final class Pipeline {

    private final RunContext ctx;
    private Consumer<List<IngestResult>> afterIngest = r -> { };
    private Consumer<TableRunner.Built> afterEach = b -> { };
    private java.util.function.UnaryOperator<List<TableSpec>> select = all -> all;
    private JobOptions options = JobOptions.INCREMENTAL;
    /** The bronze tables whose drops are loaded; null for every contract's. */
    private java.util.Set<String> ingestOnly;

    public Pipeline(final RunContext ctx) {
        this.ctx = ctx;
    }

    /** Calls {@code listener} once every pending batch is in bronze, before the first table is built. */
    public Pipeline afterIngest(final Consumer<List<IngestResult>> listener) {
        this.afterIngest = listener;
        return this;
    }

    /** Calls {@code listener} after each table step, as soon as it is done (see {@link TableRunner#afterEach}). */
    public Pipeline afterEach(final Consumer<TableRunner.Built> listener) {
        this.afterEach = listener;
        return this;
    }

    /**
     * Builds only the tables {@code select} picks from all specs (in dependency order; it must keep
     * that order and each picked table's inputs), e.g. {@link #upstreamOf}.
     */
    public Pipeline select(final java.util.function.UnaryOperator<List<TableSpec>> picker) {
        this.select = picker;
        return this;
    }

    /**
     * Ingests only the pending drops of the contracts whose bronze table is in {@code bronzeTables};
     * with none, the landing area is not scanned at all (a selection of silver and gold tables).
     */
    public Pipeline ingestOnly(final java.util.Set<String> bronzeTables) {
        this.ingestOnly = java.util.Set.copyOf(bronzeTables);
        return this;
    }

    /** Builds with these options (a backfill's dates) instead of an incremental run's. */
    public Pipeline options(final JobOptions jobOptions) {
        this.options = jobOptions;
        return this;
    }

    /** A selection of the named tables and every table they are built from, in dependency order. */
    public static java.util.function.UnaryOperator<List<TableSpec>> upstreamOf(final java.util.Collection<String> tables) {
        return all -> {
            final java.util.Map<String, TableSpec> byName = new java.util.HashMap<>();
            all.forEach(s -> byName.put(s.name(), s));
            final java.util.Set<String> keep = new java.util.HashSet<>();
            final java.util.Deque<String> todo = new java.util.ArrayDeque<>(tables);
            while (!todo.isEmpty()) {
                final String t = todo.pop();
                final TableSpec s = byName.get(t);
                if (s != null && keep.add(t)) {
                    todo.addAll(s.dependencies());
                }
            }
            return all.stream().filter(s -> keep.contains(s.name())).toList();
        };
    }

    /**
     * The outcome of a pipeline run: the batches ingested and the tables built, with the wall time of
     * each stage (the landing scan counts as ingest; spec loading as build).
     */
    public record Result(List<IngestResult> ingested, List<TableRunner.Built> built, Duration ingestTime, Duration buildTime) {

        /**
         * This run followed by {@code later}: the batches of both; per table, the later run's step where it
         * did something (or failed), else this run's.
         */
        public Result and(final Result later) {
            final List<IngestResult> batches = new java.util.ArrayList<>(ingested);
            batches.addAll(later.ingested());
            final java.util.Map<String, TableRunner.Built> steps = new java.util.LinkedHashMap<>();
            built.forEach(b -> steps.put(b.table(), b));
            later.built().stream().filter(b -> b.status() != io.kamwarehouse.metadata.RunStatus.SKIPPED)
                    .forEach(b -> steps.put(b.table(), b));
            return new Result(batches, List.copyOf(steps.values()), ingestTime.plus(later.ingestTime()),
                    buildTime.plus(later.buildTime()));
        }

        /** True when every step succeeded or had nothing to do. */
        public boolean ok() {
            return ingested.stream().allMatch(r -> r.status().ok()) && built.stream().allMatch(b -> b.status().ok());
        }

        /** The batches refused, failed or left pending because of one that was. */
        public List<IngestResult> problems() {
            return ingested.stream().filter(r -> !r.status().ok()).toList();
        }
    }

    /**
     * Ingests every pending drop, then builds every table from its spec. Given the run's as-of date
     * {@code asOf}, ingests only the drops up to {@code asOf + 1} (the drop that holds its data, and
     * earlier ones still pending); the builds take their as-of date from the session's settings
     * ({@code kamw pipeline --date} sets it to the same day).
     */
    public Result run(final Optional<LocalDate> asOf) {
        final long start = System.nanoTime();
        List<IngestResult> results = List.of();
        if (ingestOnly == null || !ingestOnly.isEmpty()) {
            final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(),
                    ctx.contracts());
            ctx.progress().say("scanning landing " + ctx.warehouse().config().landingRoot());
            final Landing.Scan all = landing.scan(Optional.empty(), asOf.map(Landing.Drops::asOf).orElse(Landing.Drops.ALL));
            final Landing.Scan scan = new Landing.Scan(all.batches().stream().filter(b -> ingestOnly == null || ingestOnly.contains(b.contract().bronzeTable())).toList(),
                    all.unrecognised(), all.warnings());
            results = new IngestService(ctx).ingest(scan);
        }
        final Duration ingestTime = Duration.ofNanos(System.nanoTime() - start);
        afterIngest.accept(results);
        final long buildStart = System.nanoTime();
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        final List<TableSpec> picked = select.apply(specs.all());
        ctx.progress().say("building " + picked.size() + " tables from their specs");
        final List<TableRunner.Built> built = new TableRunner(ctx).afterEach(afterEach).build(picked, options);
        return new Result(results, built, ingestTime, Duration.ofNanos(System.nanoTime() - buildStart));
    }
}

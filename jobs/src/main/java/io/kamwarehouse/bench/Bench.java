package io.kamwarehouse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.generate.GenerationReport;
import io.kamwarehouse.generate.GeneratorOptions;
import io.kamwarehouse.generate.SampleGenerator;
import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.pipeline.Pipeline;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.SparkSessions;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;

/**
 * {@code kamw bench}: on a fresh warehouse, generates the sample extracts at a scale, runs the full
 * pipeline, then the plain Spark copy and the DuckDB copy of the same raw files, the same aggregation in
 * both engines, and finally one more day of extracts through the incremental pipeline. Every step is
 * timed with its rows and the process's peak memory; the figures go to a {@link BenchReport}.
 *
 * <p>Order matters for a fair reading: the full pipeline runs first on a cold JVM (as a first
 * deployment would), the baselines after it on a warm one, so the ratios against them err on the
 * pipeline's side of harsh.
 */
public final class Bench {

    /** What to run. */
    public record Options(double scale, long seed, int threads, Path workDir, boolean duckdb, int days,
            String schemasDir, Map<String, String> sparkConf, boolean baselinesOnly, String dagId,
            List<io.kamwarehouse.dags.DagGenerator.Task> dagTasks) {

        /** Without timing a DAG's tasks. */
        public Options(final double scale, final long seed, final int threads, final Path workDir, final boolean duckdb,
                final int days, final String schemasDir, final Map<String, String> sparkConf, final boolean baselinesOnly) {
            this(scale, seed, threads, workDir, duckdb, days, schemasDir, sparkConf, baselinesOnly, null, List.of());
        }

        /** Whether any incremental day runs. */
        public boolean increment() {
            return days > 0;
        }
    }

    /** The phase of incremental day {@code day}: {@code increment} for the first, {@code increment2} and on for the next. */
    public static String dayPhase(final int day) {
        return day == 1 ? "increment" : "increment" + day;
    }

    static final String MARKER = ".kamw-bench";

    private final Options options;
    private final Progress progress;
    private final PeakMemory memory = new PeakMemory();
    private final List<Measure> measures = new ArrayList<>();
    private final Map<String, Object> facts = new TreeMap<>();
    private final Consumer<BenchReport> checkpoint;

    public Bench(final Options options, final Progress progress) {
        this(options, progress, r -> { });
    }

    /**
     * @param checkpoint given the figures so far after each phase (marked {@code complete=false}), so a run
     *     stopped in a later phase, or a machine that dies, still leaves the earlier phases' figures
     */
    public Bench(final Options options, final Progress progress, final Consumer<BenchReport> checkpoint) {
        this.options = options;
        this.progress = progress;
        this.checkpoint = checkpoint;
    }

    /** Runs everything and returns the report (also when a step failed: its status says so). */
    public BenchReport run() {
        final Path work = options.workDir().toAbsolutePath().normalize();
        if (options.baselinesOnly()) {
            return baselinesOnly(work);
        }
        prepare(work);
        final Path landing = work.resolve("landing");
        final Path warehouseDir = work.resolve("warehouse");
        putRunFacts(work, options.seed());

        final GeneratorOptions gen = GeneratorOptions.defaults().withScale(options.scale()).withSeed(options.seed());
        final SampleGenerator generator = new SampleGenerator(gen, landing, m -> { });
        measureGenerate("full", () -> generator.generateFull());

        memory.reset();
        final long startSpark = System.nanoTime();
        final WarehouseConfig cfg = WarehouseConfig.resolve(warehouseDir.toString(), landing.toString(), options.schemasDir(),
                "local[" + options.threads() + "]", options.sparkConf());
        final SchemaFiles files = SchemaFiles.load(cfg.schemasDir());
        final ContractCatalog contracts = ContractCatalog.load(files);
        final SparkSession spark = SparkSessions.getOrCreate(cfg);
        facts.put("interpreted", io.kamwarehouse.runtime.SmallWarehouse.apply(spark, cfg).isPresent());
        final Warehouse warehouse = new Warehouse(spark, cfg);
        facts.put("build_concurrency", spark.conf().get(io.kamwarehouse.pipeline.TableRunner.CONCURRENCY_CONF,
                String.valueOf(io.kamwarehouse.pipeline.TableRunner.DEFAULT_CONCURRENCY)));
        add(new Measure("full", "spark_start", Measure.WHOLE_STAGE, seconds(startSpark), -1, -1, memory.peakRssMib(),
                memory.peakHeapMib(), RunStatus.SUCCEEDED.text(), "SparkSession with Delta, " + cfg.master()));

        // The baselines copy the same files the pipeline ingests: listed before it runs, while they are pending.
        final Landing.Scan fullDrop = scan(warehouse, contracts);
        progress.say("bench: full pipeline");
        runPipeline("full", new RunContext(warehouse, files, contracts, progress));
        checkpoint("the full pipeline");

        baselines(spark, fullDrop, work);
        checkpoint("the baselines");

        if (options.increment()) {
            final List<io.kamwarehouse.dags.DagGenerator.Task> dagTasks = options.dagTasks();
            if (!dagTasks.isEmpty()) {
                // the warehouse before the day, twice: one for the DAG's tasks, one for a pipeline run the same way
                progress.say("bench: copying the warehouse for the DAG's tasks and a pipeline in a JVM of its own");
                io.kamwarehouse.runtime.Folders.delete(work.resolve("dag-tasks"));
                io.kamwarehouse.runtime.Folders.delete(work.resolve("dag-pipeline"));
                io.kamwarehouse.runtime.Folders.copy(warehouseDir, work.resolve("dag-tasks"));
                io.kamwarehouse.runtime.Folders.copy(warehouseDir, work.resolve("dag-pipeline"));
            }
            measureGenerate("increment", () -> generator.generateIncrement(1));
            progress.say("bench: incremental pipeline (one more day)");
            runPipeline("increment", new RunContext(warehouse, files, contracts, progress));
            checkIncrementalEqualsWhole(warehouse, files, contracts, 1);
            checkpoint("the incremental day");
            if (!dagTasks.isEmpty()) {
                timeDagTasks(dagTasks, work, landing, gen.incrementDropDate(1).minusDays(1));
                checkpoint("the DAG's tasks");
            }
            // the days after the first: a daily schedule's steady state, where each table built by period has been measured
            // both whole and by period, and the cost rule rebuilds whole the ones whose periods cost more
            for (int day = 2; day <= options.days(); day++) {
                final int d = day;
                measureGenerate(dayPhase(d), () -> generator.generateIncrement(d));
                progress.say("bench: incremental pipeline (day " + d + ")");
                runPipeline(dayPhase(d), new RunContext(warehouse, files, contracts, progress));
                checkIncrementalEqualsWhole(warehouse, files, contracts, d);
                checkpoint("incremental day " + d);
            }
            // what a re-run costs (an Airflow retry, a second manual run): every step finds nothing to do
            progress.say("bench: the pipeline again, with nothing new");
            runPipeline("again", new RunContext(warehouse, files, contracts, progress));
        }
        facts.put("complete", true);
        facts.remove("completed_phases");
        return new BenchReport(measures, facts);
    }

    /**
     * After the incremental day: every table built by period must equal the whole table recomputed
     * from the same inputs (row count and checksum per period). The answer is a fact of the report.
     */
    private void checkIncrementalEqualsWhole(final Warehouse warehouse, final SchemaFiles files, final ContractCatalog contracts,
            final int day) {
        progress.say("bench: incremental tables against a whole rebuild (day " + day + ")");
        final List<String> differ = new ArrayList<>();
        int checked = 0;
        for (final io.kamwarehouse.spec.TableSpec s : io.kamwarehouse.spec.TableSpecCatalog.load(files, contracts).all()) {
            if (s.period() != null && warehouse.exists(s.name())) {
                checked++;
                final String d = io.kamwarehouse.jobs.SqlJob.differenceFromWhole(warehouse, s);
                if (d != null) {
                    differ.add("day " + day + ": " + s.name() + " (" + d + ")");
                }
            }
        }
        // every day must hold: one day's difference keeps the answer no
        facts.put("incremental_equals_whole", differ.isEmpty() && !Boolean.FALSE.equals(facts.get("incremental_equals_whole")));
        facts.put("incremental_tables_checked", checked);
        facts.put("incremental_days_checked", day);
        if (!differ.isEmpty()) {
            final Object before = facts.get("incremental_differences");
            facts.put("incremental_differences", (before == null ? "" : before + "; ") + String.join("; ", differ));
        }
    }

    /**
     * The day run as Airflow runs it: one {@code kamw pipeline --date D} in a JVM of its own on one
     * copy of the warehouse before the day, then each of the DAG's tasks in a JVM of its own, one
     * after the other, on the other copy.
     */
    private void timeDagTasks(final List<io.kamwarehouse.dags.DagGenerator.Task> tasks, final Path work, final Path landing,
            final LocalDate asOf) {
        final Path logs = work.resolve("dag-logs");
        progress.say("bench: the day as one pipeline in a JVM of its own");
        final DagTasks.Timed pipeline = DagTasks.run("pipeline", DagTasks.global(work.resolve("dag-pipeline"), landing,
                options.schemasDir(), options.threads(), options.sparkConf()), List.of("pipeline", "--date", asOf.toString()),
                logs.resolve("pipeline.log"));
        add(new Measure("dag", "cold_pipeline", Measure.WHOLE_STAGE, pipeline.seconds(), -1, -1, -1, -1, exitStatus(pipeline),
                "kamw pipeline --date " + asOf + " in a JVM of its own (exit " + pipeline.exitCode() + ")"));
        double sum = 0;
        final List<String> statuses = new ArrayList<>();
        int n = 0;
        for (final io.kamwarehouse.dags.DagGenerator.Task t : tasks) {
            n++;
            progress.say("bench: DAG task " + n + "/" + tasks.size() + " " + t.id());
            final List<String> args = DagTasks.render(t.args(), asOf);
            final DagTasks.Timed timed = DagTasks.run(t.id(), DagTasks.global(work.resolve("dag-tasks"), landing, options.schemasDir(),
                    options.threads(), options.sparkConf()), args, logs.resolve(t.id() + ".log"));
            sum += timed.seconds();
            statuses.add(exitStatus(timed));
            add(new Measure("dag", "task", t.id(), timed.seconds(), -1, -1, -1, -1, exitStatus(timed),
                    String.join(" ", args) + " (exit " + timed.exitCode() + ")"));
        }
        facts.put("dag_tasks", options.dagId() + ": " + tasks.size() + " tasks");
        add(new Measure("dag", "tasks", Measure.WHOLE_STAGE, sum, -1, -1, -1, -1, worst(statuses), tasks.size() + " tasks of "
                + options.dagId() + ", each in a JVM of its own, one after the other; logs in " + logs));
    }

    private static String exitStatus(final DagTasks.Timed t) {
        return t.exitCode() == 0 ? RunStatus.SUCCEEDED.text() : RunStatus.FAILED.text();
    }

    /** What every report states about its run: scale, seed, threads, how peak memory was taken, the work folder. */
    private void putRunFacts(final Path work, final Object seed) {
        facts.put("scale", options.scale());
        facts.put("seed", seed);
        facts.put("threads", options.threads());
        facts.put("peak_memory_resettable", memory.resettable());
        facts.put("work_dir", work.toString());
    }

    /**
     * Only the baselines, on the extracts an earlier benchmark generated in {@code work}: for a scale whose
     * whole run does not fit in one sitting, so its pipeline figures (from that run) get their floor.
     */
    private BenchReport baselinesOnly(final Path work) {
        final Path landing = work.resolve("landing");
        if (!Files.exists(work.resolve(MARKER)) || !Files.isDirectory(landing)) {
            throw new KamwException(work + " holds no extracts of an earlier kamw bench run (no " + MARKER + " and landing/ "
                    + "there); run kamw bench --scale N with this --work first");
        }
        putRunFacts(work, "(as generated earlier)");
        facts.put("baselines_only", true);
        for (final Path old : List.of(work.resolve("copy-spark"), work.resolve("copy-duckdb"), work.resolve("aggregate-spark"),
                work.resolve("aggregate-duckdb.parquet"))) {
            io.kamwarehouse.runtime.Folders.delete(old);
        }
        final WarehouseConfig cfg = WarehouseConfig.resolve(work.resolve("warehouse").toString(), landing.toString(),
                options.schemasDir(), "local[" + options.threads() + "]", options.sparkConf());
        final SchemaFiles files = SchemaFiles.load(cfg.schemasDir());
        final ContractCatalog contracts = ContractCatalog.load(files);
        final SparkSession spark = SparkSessions.getOrCreate(cfg);
        io.kamwarehouse.runtime.SmallWarehouse.apply(spark, cfg);
        // The landing scan lists files whether or not they were ingested; the full drop is the first date (an
        // incremental day, when the earlier run had one, is a later date and not part of the baselines).
        final Warehouse warehouse = new Warehouse(spark, cfg);
        final Landing.Scan all = scan(warehouse, contracts);
        final LocalDate first = all.batches().stream().map(Landing.Batch::dropDate).min(Comparator.naturalOrder()).orElse(null);
        final Landing.Scan drop = new Landing.Scan(all.batches().stream().filter(b -> b.dropDate().equals(first)).toList(),
                all.unrecognised(), all.warnings());
        progress.say("bench: baselines only, on " + drop.batches().size() + " extracts in " + landing);
        baselines(spark, drop, work);
        facts.put("complete", true);
        return new BenchReport(measures, facts);
    }

    private void checkpoint(final String phase) {
        facts.put("complete", false);
        facts.put("completed_phases", "up to " + phase);
        checkpoint.accept(new BenchReport(new ArrayList<>(measures), new TreeMap<>(facts)));
    }

    // ---------------------------------------------------------------- pipeline

    private void runPipeline(final String phase, final RunContext ctx) {
        memory.reset();
        final long[] ingestPeak = {-1, -1}; // RSS and heap, MiB
        final List<Measure> steps = new ArrayList<>();
        // each step's start and end on the nanosecond clock: steps built at once overlap, so a stage's time is
        // the span from its first step's start to its last step's end, not the sum of its steps
        final Map<String, long[]> spans = new java.util.HashMap<>();
        final Pipeline.Result result = new Pipeline(ctx).afterIngest(batches -> {
            ingestPeak[0] = memory.peakRssMib();
            ingestPeak[1] = memory.peakHeapMib();
            memory.reset();
        }).afterEach(b -> {
            final long end = System.nanoTime();
            spans.put(b.table(), new long[] {end - b.elapsed().toNanos(), end});
            final long rowsIn = b.job() == null ? -1 : b.job().rowsRead();
            final long rowsOut = b.job() == null ? -1 : b.job().rowsWritten();
            steps.add(new Measure(phase, Warehouse.layerOf(b.table()), b.table(), b.elapsed().toNanos() / 1e9, rowsIn, rowsOut,
                    memory.peakRssMib(), memory.peakHeapMib(), b.status().text(), String.format(java.util.Locale.ROOT,
                            "job %.2fs, checks %.2fs (%d)", b.jobTime().toNanos() / 1e9, b.checkTime().toNanos() / 1e9,
                            b.checks().size())));
            memory.reset();
        }).run(Optional.empty());
        final List<IngestResult> ingested = result.ingested();
        final double ingestSeconds = result.ingestTime().toNanos() / 1e9;
        long in = 0;
        long out = 0;
        long quarantined = 0;
        for (final IngestResult r : ingested) {
            add(new Measure(phase, "ingest", r.bronzeTable() == null ? r.entity() : r.bronzeTable(),
                    r.elapsed().toNanos() / 1e9, r.rowsRead(), r.rowsLoaded(), -1, -1, r.status().text(),
                    r.rowsQuarantined() > 0 ? r.rowsQuarantined() + " quarantined" : ""));
            in += r.rowsRead();
            out += r.rowsLoaded();
            quarantined += r.rowsQuarantined();
        }
        add(new Measure(phase, "ingest", Measure.WHOLE_STAGE, ingestSeconds, in, out, ingestPeak[0], ingestPeak[1],
                worst(ingested.stream().map(r -> r.status().text()).toList()),
                ingested.size() + " batches, " + quarantined + " rows quarantined"));
        final List<TableRunner.Built> built = result.built();
        final double buildSeconds = result.buildTime().toNanos() / 1e9;
        steps.forEach(this::add);
        for (final String layer : List.of("silver", "gold")) {
            final List<Measure> of = steps.stream().filter(m -> m.stage().equals(layer)).toList();
            final double s = span(of.stream().map(m -> spans.get(m.step())).toList());
            add(new Measure(phase, layer, Measure.WHOLE_STAGE, s, of.stream().mapToLong(m -> Math.max(0, m.rowsIn())).sum(),
                    of.stream().mapToLong(m -> Math.max(0, m.rowsOut())).sum(),
                    of.stream().mapToLong(Measure::peakRssMib).max().orElse(-1),
                    of.stream().mapToLong(Measure::peakHeapMib).max().orElse(-1),
                    worst(of.stream().map(Measure::status).toList()), of.size() + " tables, "
                            + of.stream().filter(m -> RunStatus.SUCCEEDED.text().equals(m.status())).count() + " written"));
        }
        final double stepSeconds = span(new ArrayList<>(spans.values()));
        add(new Measure(phase, "bookkeeping", Measure.WHOLE_STAGE, Math.max(0, buildSeconds - stepSeconds), -1, -1, -1, -1,
                RunStatus.SUCCEEDED.text(), "run log, progress and spec loading around the table steps"));
        add(new Measure(phase, "pipeline", Measure.WHOLE_STAGE, ingestSeconds + buildSeconds, in, out,
                Math.max(ingestPeak[0], steps.stream().mapToLong(Measure::peakRssMib).max().orElse(-1)),
                -1, worst(Stream.concat(ingested.stream().map(IngestResult::status), built.stream().map(TableRunner.Built::status))
                        .map(RunStatus::text).toList()), "ingest + every table step with its checks"));
    }

    /** Seconds from the earliest start to the latest end of these steps (0 for none). */
    private static double span(final List<long[]> of) {
        if (of.isEmpty()) {
            return 0;
        }
        final long first = of.stream().mapToLong(x -> x[0]).min().getAsLong();
        final long last = of.stream().mapToLong(x -> x[1]).max().getAsLong();
        return (last - first) / 1e9;
    }

    /** {@code failed} beats {@code check_failed} beats {@code rejected} beats the rest. */
    private static String worst(final List<String> statuses) {
        for (final String s : List.of(RunStatus.FAILED.text(), RunStatus.CHECK_FAILED.text(), RunStatus.REJECTED.text())) {
            if (statuses.contains(s)) {
                return s;
            }
        }
        return RunStatus.SUCCEEDED.text();
    }

    private Landing.Scan scan(final Warehouse warehouse, final ContractCatalog contracts) {
        final Landing landing = new Landing(warehouse.hadoopConf(), warehouse.config().landingRoot(), contracts);
        return landing.scan(Optional.empty(), Optional.empty());
    }

    // ---------------------------------------------------------------- baselines

    /** The baselines; a failure is recorded as a failed step and the run goes on, so no figure is lost. */
    private void baselines(final SparkSession spark, final Landing.Scan fullDrop, final Path work) {
        Baselines.Fingerprint sparkResult = null;
        try {
            progress.say("bench: plain Spark copy of the raw extracts into Delta");
            sparkCopies(spark, fullDrop, work.resolve("copy-spark"));
            final Path sparkAggregate = work.resolve("aggregate-spark");
            measureAggregate("spark_aggregate", () -> Baselines.sparkAggregate(spark, work.resolve("copy-spark"), sparkAggregate));
            sparkResult = Baselines.sparkFingerprint(spark, sparkAggregate);
            facts.put("aggregate_result_spark", sparkResult.toString());
            facts.put("aggregate_sql", Baselines.AGGREGATE_SQL);
        } catch (final RuntimeException e) {
            failed("spark_copy", e);
        }
        if (!options.duckdb()) {
            return;
        }
        progress.say("bench: DuckDB copy of the same extracts to Parquet (" + options.threads() + " threads)");
        try (Connection db = Baselines.duckdb(options.threads())) {
            duckdbCopies(db, fullDrop, work.resolve("copy-duckdb"));
            final Path duckAggregate = work.resolve("aggregate-duckdb.parquet");
            measureAggregate("duckdb_aggregate", () -> {
                try {
                    Baselines.duckdbAggregate(db, work.resolve("copy-duckdb"), duckAggregate);
                } catch (final SQLException e) {
                    throw new KamwException("DuckDB aggregation failed: " + e.getMessage(), KamwException.EXIT_FAILED, e);
                }
            });
            final Baselines.Fingerprint duckResult = Baselines.duckdbFingerprint(db, duckAggregate);
            facts.put("aggregate_result_duckdb", duckResult.toString());
            if (sparkResult != null) {
                facts.put("aggregate_results_agree", duckResult.equals(sparkResult));
            }
        } catch (final SQLException | RuntimeException e) {
            failed("duckdb_copy", e);
        }
    }

    private void failed(final String stage, final Exception e) {
        final String why = IngestService.rootMessage(e);
        progress.say("bench: " + stage + " failed: " + why);
        add(new Measure("baseline", stage, "error", 0, -1, -1, -1, -1, RunStatus.FAILED.text(), why));
    }

    private void sparkCopies(final SparkSession spark, final Landing.Scan scan, final Path dir) {
        memory.reset();
        final long start = System.nanoTime();
        long rows = 0;
        for (final Landing.Batch batch : scan.batches()) {
            final long t = System.nanoTime();
            final long n = Baselines.sparkCopy(spark, batch, dir.resolve(batch.contract().entity()));
            rows += n;
            add(new Measure("baseline", "spark_copy", batch.contract().qualifiedName(), seconds(t), n, n, -1, -1,
                    RunStatus.SUCCEEDED.text(), batch.files().size() + " file(s)"));
        }
        add(new Measure("baseline", "spark_copy", Measure.WHOLE_STAGE, seconds(start), rows, rows, memory.peakRssMib(),
                memory.peakHeapMib(), RunStatus.SUCCEEDED.text(), scan.batches().size() + " extracts into Delta, no checks"));
    }

    private void duckdbCopies(final Connection db, final Landing.Scan scan, final Path dir) throws SQLException {
        try {
            Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        memory.reset();
        final long start = System.nanoTime();
        long rows = 0;
        for (final Landing.Batch batch : scan.batches()) {
            final long t = System.nanoTime();
            final long n = Baselines.duckdbCopy(db, batch, dir.resolve(batch.contract().entity() + ".parquet"));
            rows += n;
            add(new Measure("baseline", "duckdb_copy", batch.contract().qualifiedName(), seconds(t), n, n, -1, -1,
                    RunStatus.SUCCEEDED.text(), batch.files().size() + " file(s)"));
        }
        add(new Measure("baseline", "duckdb_copy", Measure.WHOLE_STAGE, seconds(start), rows, rows, memory.peakRssMib(),
                memory.peakHeapMib(), RunStatus.SUCCEEDED.text(), scan.batches().size() + " extracts to Parquet"));
    }

    private void measureAggregate(final String stage, final Runnable work) {
        memory.reset();
        final long start = System.nanoTime();
        work.run();
        add(new Measure("baseline", stage, Measure.WHOLE_STAGE, seconds(start), -1, -1, memory.peakRssMib(), memory.peakHeapMib(),
                RunStatus.SUCCEEDED.text(), "team x month roll-up of activities and won deals"));
    }

    private void measureGenerate(final String phase, final java.util.function.Supplier<GenerationReport> work) {
        progress.say("bench: generating the " + phase + " drop at scale " + options.scale());
        memory.reset();
        final long start = System.nanoTime();
        final GenerationReport report = work.get();
        add(new Measure(phase, "generate", Measure.WHOLE_STAGE, seconds(start), -1, report.totalRows(), memory.peakRssMib(),
                memory.peakHeapMib(), RunStatus.SUCCEEDED.text(), String.format(java.util.Locale.ROOT, "drop %s, %,d bytes",
                        report.dropDate(), report.totalBytes())));
    }

    private void add(final Measure m) {
        measures.add(m);
        if (m.wholeStage()) {
            progress.say(String.format(java.util.Locale.ROOT, "bench: %s %s: %.1fs, %s rows, peak %s MiB", m.phase(), m.stage(),
                    m.seconds(), m.rowsOut() < 0 ? "-" : String.format("%,d", m.rowsOut()),
                    m.peakRssMib() < 0 ? "-" : String.valueOf(m.peakRssMib())));
        }
    }

    private static double seconds(final long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Empties the work folder, refusing one that holds anything but an earlier benchmark's files (a
     * mistyped path must never cost a user their data).
     */
    static void prepare(final Path work) {
        try {
            if (Files.exists(work)) {
                if (!Files.isDirectory(work)) {
                    throw new KamwException(work + " is a file, not a folder for the benchmark's warehouse");
                }
                final boolean empty;
                try (Stream<Path> s = Files.list(work)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !Files.exists(work.resolve(MARKER))) {
                    throw new KamwException(work + " is not empty and was not made by kamw bench; give an empty or new "
                            + "folder with --work (the benchmark deletes what is in it)");
                }
                try (Stream<Path> s = Files.walk(work)) {
                    s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(work)).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(work);
            Files.writeString(work.resolve(MARKER), "made by kamw bench; emptied at the start of every benchmark run\n");
        } catch (final IOException e) {
            throw new KamwException("cannot prepare the benchmark folder " + work + ": " + e.getMessage());
        }
    }
}

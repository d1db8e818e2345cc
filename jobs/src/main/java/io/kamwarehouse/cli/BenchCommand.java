package io.kamwarehouse.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.bench.Bench;
import io.kamwarehouse.bench.BenchReport;
import io.kamwarehouse.bench.Measure;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.dags.DagGenerator;
import io.kamwarehouse.dags.DagsConfig;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.generate.GeneratorOptions;
import io.kamwarehouse.metadata.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw bench}: the pipeline's speed and memory at a scale, side by side with a plain copy and DuckDB. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark on a fresh warehouse: generate the sample extracts at a scale, run the full pipeline, "
                + "then a plain Spark copy and a DuckDB copy of the same raw files, one aggregation in both engines, "
                + "the next days (--days) through the incremental pipeline, and the pipeline once more with nothing new.",
            "Prints wall time, rows and peak memory per stage and per table, and the ratios against the targets; "
                + "writes steps.csv, bench.json and report.txt under --out."})
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--scale", paramLabel = "N", description = "Size of the sample: 1 is the demo (~186,000 rows), "
            + "100 is ~10 million activities (default: ${DEFAULT-VALUE}).")
    double scale = 1.0;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed of the sample (default: ${DEFAULT-VALUE}).")
    long seed = 42L;

    @Option(names = "--threads", paramLabel = "T", description = "Threads for both engines: Spark local[T], DuckDB threads=T "
            + "(default: the machine's cores, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--work", paramLabel = "DIR", description = "Folder for the fresh warehouse, extracts and copies; emptied "
            + "first, kept afterwards for inspection (default: ${DEFAULT-VALUE}).")
    Path work = Path.of("bench-results", "work");

    @Option(names = "--out", paramLabel = "DIR", description = "Where each run's report folder goes (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("bench-results");

    @Option(names = "--no-duckdb", description = "Skip the DuckDB baseline (for a JVM without DuckDB on its classpath).")
    boolean noDuckdb;

    @Option(names = "--no-increment", description = "Skip the incremental days.")
    boolean noIncrement;

    @Option(names = "--days", paramLabel = "N", description = "Incremental days after the full build, each the next day's drop "
            + "through the pipeline (default: ${DEFAULT-VALUE}: the first day measures each table built by period both ways, "
            + "the second shows the schedule's steady state, with the cost rule's choices).")
    int days = 2;

    @Option(names = "--dag-tasks", paramLabel = "DAG", description = "Also time the day as Airflow runs it: each task of "
            + "this DAG of dags/dags.yaml (e.g. kamw_daily) in a JVM of its own, one after the other, on a copy of the warehouse "
            + "before the day, against one kamw pipeline of the same day run the same way.")
    String dagTasks;

    @Option(names = "--dags", paramLabel = "DIR", description = "The DAG folder of --dag-tasks (default: $KAMW_DAGS, else ./dags).")
    String dagsDir;

    @Option(names = "--baselines-only", description = "Only the Spark copy, the DuckDB copy and the roll-up, on the extracts "
            + "an earlier run left in --work (for a scale whose whole run does not fit in one sitting).")
    boolean baselinesOnly;

    @Override
    public Integer call() {
        if (main.warehouse != null || main.landing != null) {
            throw new KamwException("kamw bench builds its own fresh warehouse under --work; --warehouse and --landing do not apply");
        }
        if (threads < 1) {
            throw new KamwException("--threads must be at least 1, got " + threads);
        }
        try {
            GeneratorOptions.defaults().withScale(scale);
        } catch (final IllegalArgumentException e) {
            throw new KamwException("--" + e.getMessage());
        }
        if (main.master != null) {
            throw new KamwException("kamw bench runs Spark in this process as local[--threads]; --master does not apply "
                    + "(on a cluster, time `spark-submit ... pipeline` instead)");
        }
        if (days < 1) {
            throw new KamwException("--days must be at least 1 (--no-increment skips the incremental days), got " + days);
        }
        if (dagTasks != null && (noIncrement || baselinesOnly)) {
            throw new KamwException("--dag-tasks times the incremental day; it does not go with --no-increment or --baselines-only");
        }
        final Bench.Options options = new Bench.Options(scale, seed, threads, work, !noDuckdb, noIncrement ? 0 : days,
                main.config().schemasDir(), main.conf, baselinesOnly, dagTasks, dagTasks == null ? List.of() : dagTasks(dagTasks));
        final long start = System.nanoTime();
        final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        final Path dir = out.resolve(stamp + "-scale-" + trim(scale) + (baselinesOnly ? "-baselines" : ""));
        final BenchReport report = new Bench(options, main.progress(), partial -> {
            stamp(partial, start);
            partial.write(dir);
            main.progress().say("bench: figures so far written to " + dir + " (complete=false until the last phase)");
        }).run();
        stamp(report, start);
        System.out.print(report.write(dir));
        System.out.println("figures written to " + dir.resolve("steps.csv") + ", " + dir.resolve("bench.json") + " and "
                + dir.resolve("report.txt") + "; the warehouse is kept in " + work);
        final boolean failed = report.measures().stream().map(Measure::status)
                .anyMatch(s -> RunStatus.FAILED.text().equals(s) || RunStatus.CHECK_FAILED.text().equals(s)
                        || RunStatus.REJECTED.text().equals(s));
        if (failed) {
            System.err.println("kamw: some steps did not succeed (see the status column of steps.csv); their figures are not comparable");
            return KamwException.EXIT_FAILED;
        }
        return 0;
    }

    /**
     * The table and group tasks of a DAG of the DAG folder (--dags, else {@code kamw dags}'s:
     * $KAMW_DAGS, else ./dags), as its generated file runs them; refused before anything runs when there is no such DAG.
     */
    private List<DagGenerator.Task> dagTasks(final String dagId) {
        final DagsConfig config = DagsConfig.load(DagsCommand.dir(dagsDir));
        final DagsConfig.Dag dag;
        try {
            dag = config.dag(dagId);
        } catch (final KamwException e) {
            throw new KamwException("--dag-tasks " + dagId + ": " + e.getMessage());
        }
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        return new DagGenerator(specs, main.contracts(), config).tasks(dag).stream()
                .filter(t -> t.kind() != DagGenerator.Kind.COMMAND).toList();
    }

    private static void stamp(final BenchReport report, final long start) {
        report.facts().put("machine", String.format(Locale.ROOT, "%d cores, Java %s, max heap %d MiB",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024)));
        report.facts().put("total_seconds", (System.nanoTime() - start) / 1e9);
    }

    private static String trim(final double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}

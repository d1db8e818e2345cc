package io.kamwarehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Tables built at once ({@code kamw.build.concurrency}): two tables whose input is built run side
 * by side on sessions of their own, a table waits until every input is written, a failed table
 * still blocks only what is built from it, and the tables come out the same as built one by one.
 */
class ConcurrentBuildTest {

    @TempDir
    Path dir;

    /** A warehouse in {@code root} with the shipped contracts, the teams silver spec and five gold tables. */
    private RunContext warehouse(final Path root) throws Exception {
        final Path schemas = io.kamwarehouse.testing.TeamTables.write(root);
        final RunContext shipped = SharedSpark.context(root.resolve("warehouse"));
        final SchemaFiles files = SchemaFiles.fromDirectory(schemas);
        return new RunContext(shipped.warehouse(), files, ContractCatalog.load(files), Progress.silent());
    }

    /** The scheduler pools of the Spark jobs started while {@code run} runs. */
    private static Set<String> poolsDuring(final SparkSession spark, final Runnable run) throws Exception {
        final Set<String> pools = Collections.synchronizedSet(new TreeSet<>());
        final SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(final SparkListenerJobStart start) {
                final String pool = start.properties() == null ? null : start.properties().getProperty("spark.scheduler.pool");
                pools.add(pool == null ? "default" : pool);
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            run.run();
            // the listener bus delivers job starts asynchronously
            spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        return new TreeSet<>(pools);
    }

    private static List<String> rows(final Warehouse wh, final String table) {
        final List<String> out = new ArrayList<>();
        for (final Row r : wh.read(table).orderBy("team_id").collectAsList()) {
            out.add(r.mkString("|"));
        }
        return out;
    }

    /** A pipeline run with the scheduler pools its Spark jobs ran in. */
    private record Run(Pipeline.Result result, Set<String> pools) {
    }

    /** Runs the pipeline with {@code concurrency} tables at a time, noting the pools of its jobs. */
    private static Run pipeline(final RunContext ctx, final int concurrency) throws Exception {
        final SparkSession spark = ctx.warehouse().spark();
        final Pipeline.Result[] result = new Pipeline.Result[1];
        spark.conf().set(TableRunner.CONCURRENCY_CONF, String.valueOf(concurrency));
        try {
            final Set<String> pools = poolsDuring(spark, () -> result[0] = new Pipeline(ctx).run(Optional.empty()));
            return new Run(result[0], pools);
        } finally {
            spark.conf().unset(TableRunner.CONCURRENCY_CONF);
        }
    }

    @Test
    void tablesWhoseInputsAreBuiltRunSideBySideAndComeOutAsBuiltOneByOne() throws Exception {
        final RunContext ctx = warehouse(dir.resolve("two"));
        final Run two = pipeline(ctx, 2);
        final Pipeline.Result[] result = {two.result()};
        final Set<String> pools = two.pools();

        final Map<String, TableRunner.Built> built = new HashMap<>();
        result[0].built().forEach(b -> built.put(b.table(), b));
        assertEquals(6, built.size(), built.keySet().toString());
        for (final String t : List.of("stg_crm__teams", "dim_team_names", "dim_team_regions", "dim_team_labels")) {
            assertEquals(RunStatus.SUCCEEDED, built.get(t).status(), t + ": " + built.get(t).message());
        }
        // A failed table blocks what is built from it, and nothing else.
        assertEquals(RunStatus.FAILED, built.get("dim_team_typo").status());
        assertEquals(RunStatus.BLOCKED, built.get("dim_team_after_typo").status());
        assertTrue(built.get("dim_team_after_typo").message().contains("dim_team_typo"), built.get("dim_team_after_typo").message());
        assertEquals(List.of("TM-001|East Region (East)", "TM-002|East Key Accounts (East)", "TM-003|West Region (West)"),
                rows(ctx.warehouse(), "dim_team_labels"));

        // Two steps ran on sessions of their own, each in its own scheduler pool.
        assertTrue(pools.containsAll(List.of("build-1", "build-2")), pools.toString());

        // The table built from two others started only when both were written.
        final Map<String, Timestamp[]> times = new HashMap<>();
        for (final Row r : ctx.warehouse().read("run_log").where("pipeline_run_id = '" + ctx.pipelineRunId() + "'")
                .select("output_table", "started_at", "ended_at").collectAsList()) {
            times.put(r.getString(0), new Timestamp[] {r.getTimestamp(1), r.getTimestamp(2)});
        }
        assertEquals(7, times.size(), times.keySet().toString()); // the six builds and the ingest of the teams
        for (final String input : List.of("dim_team_names", "dim_team_regions")) {
            assertTrue(!times.get("dim_team_labels")[0].before(times.get(input)[1]),
                    "dim_team_labels started before " + input + " ended");
        }

        // One by one: the same tables, the same rows, and no step on a session of its own.
        final RunContext single = warehouse(dir.resolve("one"));
        final Run byOne = pipeline(single, 1);
        final Pipeline.Result[] one = {byOne.result()};
        final Set<String> singlePools = byOne.pools();
        assertTrue(singlePools.stream().noneMatch(p -> p.startsWith("build-")), singlePools.toString());
        final Map<String, String> statuses = new HashMap<>();
        one[0].built().forEach(b -> statuses.put(b.table(), b.status().text()));
        final Map<String, String> concurrent = new HashMap<>();
        built.forEach((t, b) -> concurrent.put(t, b.status().text()));
        assertEquals(concurrent, statuses);
        for (final String t : List.of("dim_team_names", "dim_team_regions", "dim_team_labels")) {
            assertEquals(rows(ctx.warehouse(), t), rows(single.warehouse(), t), t);
        }
    }

    @Test
    void aConcurrencyThatIsNotAPositiveNumberIsRefusedBeforeAnythingIsBuilt() throws Exception {
        final RunContext ctx = warehouse(dir);
        final SparkSession spark = ctx.warehouse().spark();
        for (final String bad : List.of("0", "two")) {
            spark.conf().set(TableRunner.CONCURRENCY_CONF, bad);
            try {
                final KamwException e = assertThrows(KamwException.class, () -> new TableRunner(ctx).build(
                        TableSpecCatalog.load(ctx.schemas(), ctx.contracts()).all(), JobOptions.INCREMENTAL));
                assertTrue(e.getMessage().contains(TableRunner.CONCURRENCY_CONF + "=" + bad), e.getMessage());
                assertTrue(e.getMessage().contains("1 or more"), e.getMessage());
            } finally {
                spark.conf().unset(TableRunner.CONCURRENCY_CONF);
            }
            assertTrue(!ctx.warehouse().exists("stg_crm__teams"), "nothing was built");
        }
    }
}

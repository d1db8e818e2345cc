package io.kamwarehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.testing.SharedSpark;

/**
 * A table read at a pinned version gives that version's rows after later writes, in any session of
 * the process, also for a table deleted and written again at the same path and for a partitioned
 * one; a version's files are listed on the driver (no Spark job), and once known, further queries of
 * it run no Delta file listing ("Filtering files for query"), which the plain time-travel read runs
 * for every scan.
 */
class PinnedReadsTest {

    private static final String LISTING = "Filtering files for query";

    @TempDir
    Path dir;

    /** Descriptions of the Spark jobs started while it listens. */
    private static final class Jobs extends SparkListener {
        final List<String> started = new CopyOnWriteArrayList<>();

        @Override
        public void onJobStart(final SparkListenerJobStart start) {
            final java.util.Properties p = start.properties();
            started.add(p == null ? "" : p.getProperty("spark.job.description", ""));
        }

        /** The jobs started by {@code work}, once Spark has told every listener. */
        List<String> of(final SparkSession spark, final Runnable work) {
            drained(spark);
            started.clear();
            work.run();
            drained(spark);
            return List.copyOf(started);
        }

        private static void drained(final SparkSession spark) {
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (final java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Spark's listeners did not catch up", e);
            }
        }
    }

    @Test
    void aPinnedVersionKeepsItsRowsAndListsItsFilesOnce() {
        final RunContext ctx = SharedSpark.context(dir);
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final String path = wh.tablePath("fct_pinned");
        spark.sql("SELECT id, id * 2 AS amount FROM range(0, 100)").repartition(2).write().format("delta").save(path);
        spark.sql("SELECT id, id * 2 AS amount FROM range(100, 150)").write().format("delta").mode("append").save(path);
        assertEquals(150, wh.readVersion("fct_pinned", 1).count());
        spark.sql("SELECT id, CAST(0 AS BIGINT) AS amount FROM range(0, 10)").write().format("delta").mode("overwrite").save(path);

        // each version keeps its rows after the table moved on
        assertEquals(100, wh.readVersion("fct_pinned", 0).count());
        assertEquals(150, wh.readVersion("fct_pinned", 1).count());
        assertEquals(22350L, wh.readVersion("fct_pinned", 1).agg(org.apache.spark.sql.functions.sum("amount")).first().getLong(0));
        assertEquals(10, wh.readVersion("fct_pinned", 2).count());

        // a step's own session (a child of the run's) sees the version as a view of its own
        final Warehouse step = new Warehouse(SparkSessions.childOf(spark), wh.config());
        step.readVersion("fct_pinned", 1).createOrReplaceTempView("fct_pinned_v1");
        assertEquals(150, step.spark().sql("SELECT count(*) FROM fct_pinned_v1 a JOIN fct_pinned_v1 b USING (id)").first().getLong(0));

        // once known, a version's files are not listed again, however often and however filtered it is scanned
        final Jobs jobs = new Jobs();
        spark.sparkContext().addSparkListener(jobs);
        try {
            final Runnable scans = () -> wh.readVersion("fct_pinned", 1).where("id > 5").join(wh.readVersion("fct_pinned", 1)
                    .where("amount < 200"), "id").count();
            // a version not read before is listed on the driver: making its frame runs no Spark job
            spark.sql("SELECT id, id AS amount FROM range(500, 520)").write().format("delta").mode("append").save(path);
            assertEquals(List.of(), jobs.of(spark, () -> wh.readVersion("fct_pinned", 3)));
            assertEquals(30, wh.readVersion("fct_pinned", 3).count());
            final List<String> pinned = jobs.of(spark, scans);
            assertFalse(pinned.isEmpty(), "the query ran no job at all");
            assertTrue(pinned.stream().noneMatch(d -> d.contains(LISTING)), "files listed again: " + pinned);
            // the listener does see the listing where Delta chooses the files per scan
            spark.conf().set(PinnedReads.ENABLED_CONF, "false");
            try {
                final List<String> plain = jobs.of(spark, scans);
                assertTrue(plain.stream().anyMatch(d -> d.contains(LISTING)), "no file listing seen in " + plain);
            } finally {
                spark.conf().unset(PinnedReads.ENABLED_CONF);
            }
        } finally {
            spark.sparkContext().removeSparkListener(jobs);
        }

        // a partitioned table (its files listed by Spark from the log) reads each version's rows and prunes by partition
        final String parts = wh.tablePath("fct_pinned_parts");
        spark.sql("SELECT id, CAST(id % 3 AS INT) AS part FROM range(0, 30)").write().format("delta").partitionBy("part").save(parts);
        spark.sql("SELECT id, 9 AS part FROM range(30, 35)").write().format("delta").mode("append").save(parts);
        assertEquals(30, wh.readVersion("fct_pinned_parts", 0).count());
        assertEquals(5, wh.readVersion("fct_pinned_parts", 1).where("part = 9").count());
        assertEquals(10, wh.readVersion("fct_pinned_parts", 1).where("part = 1").count());

        // a table deleted and written again at the same path is read anew, although its version numbers repeat
        deleteTree(Path.of(java.net.URI.create(path)));
        spark.sql("SELECT id, 1 AS amount FROM range(0, 7)").write().format("delta").save(path);
        assertEquals(7, wh.readVersion("fct_pinned", 0).count());
    }

    private static void deleteTree(final Path root) {
        Folders.delete(root);
        assertFalse(java.nio.file.Files.exists(root), root + " is still there");
    }
}

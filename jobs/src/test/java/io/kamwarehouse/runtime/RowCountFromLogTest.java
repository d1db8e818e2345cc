package io.kamwarehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.testing.SharedSpark;

/**
 * {@code kamw status} takes a table's rows from Delta's checksum file, not from a count: the
 * number it reads equals Spark's count after a write, an append, a delete with deletion vectors
 * and a merge, for every version as for the newest (a job's rows read at its pinned input versions),
 * and there is no number (so a count answers) where the checksum file is missing.
 */
class RowCountFromLogTest {

    @TempDir
    Path dir;

    @Test
    void theRowsDeltaRecordedEqualACountAfterEachKindOfWrite() throws Exception {
        final RunContext ctx = SharedSpark.context(dir);
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final String path = wh.tablePath("dim_rows");
        assertEquals(OptionalLong.empty(), wh.rowCountFromLog("dim_rows"), "no table, no count");

        spark.sql("SELECT id, CAST(id % 7 AS STRING) AS k FROM range(0, 1000)").repartition(3).write().format("delta")
                .option("delta.enableDeletionVectors", "true").save(path);
        assertEquals(OptionalLong.of(1000), wh.rowCountFromLog("dim_rows"));

        spark.sql("SELECT id, 'x' AS k FROM range(1000, 1250)").write().format("delta").mode("append").save(path);
        assertEquals(OptionalLong.of(1250), wh.rowCountFromLog("dim_rows"));

        spark.sql("DELETE FROM delta.`" + path + "` WHERE id % 10 = 3");
        assertTrue(Files.list(dir.resolve("gold/dim_rows")).anyMatch(p -> p.getFileName().toString().startsWith("deletion_vector")),
                "the delete left deletion vectors, which the count must subtract");
        assertEquals(OptionalLong.of(wh.read("dim_rows").count()), wh.rowCountFromLog("dim_rows"));
        assertEquals(1125, wh.read("dim_rows").count());

        spark.sql("SELECT id, 'merged' AS k FROM range(1200, 1300)").createOrReplaceTempView("incoming_rows");
        spark.sql("MERGE INTO delta.`" + path + "` t USING incoming_rows s ON t.id = s.id "
                + "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
        assertEquals(OptionalLong.of(wh.read("dim_rows").count()), wh.rowCountFromLog("dim_rows"));

        // Each version keeps its own count: the rows a job read at a pinned version, without a Spark job.
        final long merged = wh.version("dim_rows");
        for (long v = 0; v <= merged; v++) {
            assertEquals(OptionalLong.of(wh.readVersion("dim_rows", v).count()), wh.rowCountFromLog("dim_rows", v), "version " + v);
        }

        // Without the checksum file of the newest version there is no recorded count: the caller counts.
        spark.sql("SELECT id, 'late' AS k FROM range(2000, 2010)").write().format("delta").mode("append").save(path);
        final long version = wh.version("dim_rows");
        Files.delete(dir.resolve("gold/dim_rows/_delta_log").resolve(String.format("%020d.crc", version)));
        assertFalse(wh.rowCountFromLog("dim_rows").isPresent());
        assertFalse(wh.rowCountFromLog("dim_rows", version).isPresent());
        assertEquals(OptionalLong.of(wh.readVersion("dim_rows", merged).count()), wh.rowCountFromLog("dim_rows", merged),
                "an earlier version still has its count");
    }
}

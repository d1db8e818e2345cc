package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The ledger of merged batches answers from what this process last read or wrote, and reads the
 * table again when another writer added a version, or the table was replaced by another.
 */
class MergedBatchesTest {

    @TempDir
    Path dir;

    private static void appendElsewhere(final Warehouse wh, final String table, final String batch) {
        // as another process would: straight into the table, not through this process's ledger
        wh.spark().createDataFrame(List.of(RowFactory.create(table, "raw_x", batch, 3L, "fp", 7L,
                new Timestamp(System.currentTimeMillis()))), MergedBatches.SCHEMA).write().format("delta").mode(SaveMode.Append)
                .save(wh.tablePath(MergedBatches.TABLE));
    }

    @Test
    void itKnowsItsOwnMergesAndSeesAnotherWritersAndAReplacedLedger() throws Exception {
        final Warehouse wh = SharedSpark.context(dir).warehouse();
        final MergedBatches ledger = new MergedBatches(wh);
        assertTrue(ledger.merged("stg_x", "fp").isEmpty(), "no ledger yet");
        ledger.record("stg_x", "fp", Map.of("raw_x", Map.of("b1", 5L)), 1);
        assertEquals(Map.of("raw_x", Set.of("b1")), ledger.merged("stg_x", "fp"));
        ledger.record("stg_x", "fp", Map.of("raw_x", Map.of("b2", 5L)), 2);
        assertEquals(Map.of("raw_x", Set.of("b1", "b2")), ledger.merged("stg_x", "fp"), "its own second merge, from memory");
        assertTrue(ledger.merged("stg_x", "other fingerprint").isEmpty());
        assertTrue(ledger.merged("stg_y", "fp").isEmpty());

        appendElsewhere(wh, "stg_x", "b3");
        assertEquals(Map.of("raw_x", Set.of("b1", "b2", "b3")), ledger.merged("stg_x", "fp"), "another writer's version is read");
        ledger.record("stg_x", "fp", Map.of("raw_x", Map.of("b4", 5L)), 3);
        assertEquals(Map.of("raw_x", Set.of("b1", "b2", "b3", "b4")), new MergedBatches(wh).merged("stg_x", "fp"));

        // the ledger deleted and written anew up to the same version number: its rows, not the ones remembered
        final org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(wh.tablePath(MergedBatches.TABLE));
        path.getFileSystem(wh.hadoopConf()).delete(path, true);
        for (final String b : List.of("n1", "n2", "n3", "n4")) {
            Thread.sleep(5);
            appendElsewhere(wh, "stg_x", b);
        }
        assertEquals(Map.of("raw_x", Set.of("n1", "n2", "n3", "n4")), ledger.merged("stg_x", "fp"));
    }
}

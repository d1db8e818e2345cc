package io.kamwarehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import io.kamwarehouse.runtime.TableChecksums.Checksum;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The checksum that compares a cluster run's tables with a local run's: blind to row order,
 * partitioning, column order, the write time and the last bits of a double; not blind to a
 * changed value, a missing row or a duplicated one.
 */
class TableChecksumsTest {

    private static final StructType SCHEMA = new StructType()
            .add("account_id", DataTypes.StringType)
            .add("amount", DataTypes.createDecimalType(18, 2))
            .add("share", DataTypes.DoubleType)
            .add("_updated_at", DataTypes.TimestampType);

    private static Dataset<Row> table(final List<Row> rows, final int partitions) {
        final SparkSession spark = SharedSpark.spark();
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    private static Row row(final String id, final String amount, final double share, final long writtenAt) {
        return RowFactory.create(id, new BigDecimal(amount), share, new Timestamp(writtenAt));
    }

    private static final List<Row> ROWS = List.of(row("A1", "100.50", 0.1 + 0.2, 1_000L), row("A2", "-3.00", 1.0 / 3, 1_000L),
            row("A3", "0.00", 0.0, 1_000L));

    @Test
    void sameRowsInAnotherOrderPartitioningAndWriteTimeGiveTheSameChecksum() {
        final Checksum a = TableChecksums.of("t", table(ROWS, 1));
        // Reversed, three partitions, written later, the double's last bit different (0.3 vs 0.1 + 0.2),
        // columns in another order.
        final Dataset<Row> other = table(List.of(row("A3", "0.00", 0.0, 9_000L), row("A2", "-3.00", 1.0 / 3, 9_000L),
                row("A1", "100.50", 0.3, 9_000L)), 3).select("share", "_updated_at", "amount", "account_id");
        final Checksum b = TableChecksums.of("t", other);
        assertEquals(3, a.rows());
        assertEquals(a, b);
        assertEquals(List.of("account_id", "amount", "share"), TableChecksums.contentColumns(other));
    }

    @Test
    void aChangedValueAMissingRowOrADuplicateChangeIt() {
        final Checksum a = TableChecksums.of("t", table(ROWS, 2));
        final Checksum cent = TableChecksums.of("t", table(List.of(ROWS.get(0), ROWS.get(1), row("A3", "0.01", 0.0, 1_000L)), 2));
        final Checksum missing = TableChecksums.of("t", table(ROWS.subList(0, 2), 2));
        final Checksum twice = TableChecksums.of("t", table(List.of(ROWS.get(0), ROWS.get(1), ROWS.get(1)), 2));
        assertEquals(a.rows(), cent.rows());
        assertNotEquals(a.checksum(), cent.checksum());
        assertEquals(2, missing.rows());
        assertNotEquals(a.checksum(), missing.checksum());
        assertEquals(3, twice.rows());
        assertNotEquals(a.checksum(), twice.checksum());
        assertEquals(BigDecimal.ZERO, TableChecksums.of("t", table(List.of(), 1)).checksum());
    }

    @Test
    void compareSaysYesOnlyWhenEveryTableIsOnBothSidesWithTheSameFigures() {
        final Checksum x = new Checksum("dim_a", 3, new BigDecimal("12345"));
        final Checksum y = new Checksum("fct_b", 7, new BigDecimal("-99"));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertTrue(TableChecksums.compare(Map.of("dim_a", x, "fct_b", y), Map.of("dim_a", x, "fct_b", y), "A", "B", ps));
        assertFalse(TableChecksums.compare(Map.of("dim_a", x, "fct_b", y), Map.of("dim_a", x), "A", "B", ps));
        assertFalse(TableChecksums.compare(Map.of("dim_a", x), Map.of("dim_a", new Checksum("dim_a", 3, BigDecimal.ONE)),
                "A", "B", ps));
        assertFalse(TableChecksums.compare(Map.of(), Map.of(), "A", "B", ps));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("2 gold tables, all the same"), text);
        assertTrue(text.contains("fct_b") && text.contains("missing") && text.contains("DIFFERENT"), text);
    }
}

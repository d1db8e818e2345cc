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
import java.util.LinkedHashMap;
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

    // A table shaped like fct_account_clv: a map column, and an array of structs holding a map, a
    // map of maps and a run time field (fit_seconds), as in _model_fits.
    private static final StructType FIT = new StructType()
            .add("fit_key", DataTypes.StringType)
            .add("parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
            .add("by_segment", DataTypes.createMapType(DataTypes.StringType,
                    DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType)))
            .add("fit_seconds", DataTypes.DoubleType);
    private static final StructType MAPS = new StructType()
            .add("account_id", DataTypes.StringType)
            .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
            .add("_model_fits", DataTypes.createArrayType(FIT));

    private static <V> Map<String, V> map(final Object... keysAndValues) {
        final Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            final V v = (V) keysAndValues[i + 1];
            m.put((String) keysAndValues[i], v);
        }
        return m;
    }

    private static Row mapRow(final String id, final boolean reversed, final double r, final double seconds, final int count) {
        final Map<String, Double> attributes = reversed ? map("b", 2.0, "a", 1.0) : map("a", 1.0, "b", 2.0);
        final Map<String, Double> parameters = reversed ? map("s", 0.5, "r", r) : map("r", r, "s", 0.5);
        final Map<String, Map<String, Integer>> bySegment = reversed
                ? map("S", map("won", count, "lost", 1), "A", map("won", 3))
                : map("A", map("won", 3), "S", map("lost", 1, "won", count));
        final Row fit = RowFactory.create("k1", parameters, bySegment, seconds);
        final Row pooled = RowFactory.create("k0", map(), map(), seconds);
        return RowFactory.create(id, attributes, List.of(pooled, fit));
    }

    private static Checksum mapChecksum(final int partitions, final Row... rows) {
        return TableChecksums.of("fct_account_clv", SharedSpark.spark().createDataFrame(List.of(rows), MAPS).repartition(partitions));
    }

    @Test
    void mapsAndNestedMapsAreChecksummedWhateverTheOrderTheirEntriesWereBuiltIn() {
        final Checksum a = mapChecksum(1, mapRow("A1", false, 0.24, 0.015, 7), mapRow("A2", false, 0.3, 0.2, 2),
                RowFactory.create("A3", null, null));
        // Entries in the other order, the double's last bits different, another fit time, other partitioning.
        final Checksum b = mapChecksum(3, RowFactory.create("A3", null, null), mapRow("A2", true, 0.1 + 0.2, 9.5, 2),
                mapRow("A1", true, 0.24, 1.25, 7));
        assertEquals(3, a.rows());
        assertEquals(a, b);
        // The same figures again: the checksum is deterministic.
        assertEquals(a, mapChecksum(2, mapRow("A1", false, 0.24, 0.015, 7), mapRow("A2", false, 0.3, 0.2, 2),
                RowFactory.create("A3", null, null)));
    }

    @Test
    void aChangedValueInsideAMapOrANestedMapChangesTheChecksum() {
        final Checksum a = mapChecksum(2, mapRow("A1", false, 0.24, 0.015, 7));
        assertNotEquals(a.checksum(), mapChecksum(2, mapRow("A1", false, 0.25, 0.015, 7)).checksum(), "a map value inside a struct");
        assertNotEquals(a.checksum(), mapChecksum(2, mapRow("A1", false, 0.24, 0.015, 8)).checksum(), "a value of a map of maps");
        final Row otherAttribute = RowFactory.create("A1", map("a", 1.0, "b", 2.5), mapRow("A1", false, 0.24, 0.015, 7).get(2));
        assertNotEquals(a.checksum(), mapChecksum(2, otherAttribute).checksum(), "a top-level map value");
        final Row otherKey = RowFactory.create("A1", map("a", 1.0, "c", 2.0), mapRow("A1", false, 0.24, 0.015, 7).get(2));
        assertNotEquals(a.checksum(), mapChecksum(2, otherKey).checksum(), "a map key");
        final Row fitsSwapped = RowFactory.create("A1", map("a", 1.0, "b", 2.0),
                List.of(((List<?>) mapRow("A1", false, 0.24, 0.015, 7).get(2)).get(1), ((List<?>) mapRow("A1", false, 0.24, 0.015, 7).get(2)).get(0)));
        assertNotEquals(a.checksum(), mapChecksum(2, fitsSwapped).checksum(), "an array's order is content");
    }
}

package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.runtime.Warehouse;

/**
 * The {@code silver_merged_batches} table (meta layer): which bronze batches each silver table
 * has merged, under which fingerprint of its contract and spec. A batch recorded under the
 * current fingerprint is not read again; when the fingerprint changes (a contract column, the
 * staging parameters or the reporting currency changed) nothing counts as merged and the table
 * is rebuilt. Append-only.
 */
public final class MergedBatches {

    /** Table name (meta layer). */
    public static final String TABLE = "silver_merged_batches";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("table_name", DataTypes.StringType, false),
        DataTypes.createStructField("input_table", DataTypes.StringType, false),
        DataTypes.createStructField("batch_id", DataTypes.StringType, false),
        DataTypes.createStructField("rows", DataTypes.LongType, false),
        DataTypes.createStructField("fingerprint", DataTypes.StringType, false),
        DataTypes.createStructField("output_version", DataTypes.LongType, false),
        DataTypes.createStructField("merged_at", DataTypes.TimestampType, false),
    });

    private final Warehouse warehouse;

    public MergedBatches(final Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Input table to the batch ids a table has merged under a fingerprint. */
    public Map<String, Set<String>> merged(final String table, final String fingerprint) {
        final Map<String, Set<String>> out = new HashMap<>();
        if (!warehouse.exists(TABLE)) {
            return out;
        }
        for (final Row r : warehouse.read(TABLE)
                .where(col("table_name").equalTo(table).and(col("fingerprint").equalTo(fingerprint)))
                .select("input_table", "batch_id").collectAsList()) {
            out.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
        }
        return out;
    }

    /** Records batches (input table to batch id to rows) as merged into a table at a version: one commit. */
    public void record(final String table, final String fingerprint, final Map<String, Map<String, Long>> batches,
            final long outputVersion) {
        final Timestamp now = Timestamp.from(Instant.now());
        final List<Row> rows = new ArrayList<>();
        batches.forEach((input, ids) -> ids.forEach((id, n) ->
                rows.add(RowFactory.create(table, input, id, n, fingerprint, outputVersion, now))));
        if (rows.isEmpty()) {
            return;
        }
        warehouse.spark().createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append)
                .save(warehouse.tablePath(TABLE));
    }
}

package io.kamwarehouse.jobs;

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

    /**
     * The ledger's rows as last read or written by this process, per ledger path, with the version
     * they are of: every silver step of a run asks the ledger, and reading the table again (its
     * log and a small file per merge) cost about half a second a step. A version written by
     * another process since is read again.
     */
    private record Known(String stamp, List<String[]> rows) {
    }

    private static final Map<String, Known> KNOWN = new java.util.concurrent.ConcurrentHashMap<>();

    /** Input table to the batch ids a table has merged under a fingerprint. */
    public Map<String, Set<String>> merged(final String table, final String fingerprint) {
        final Map<String, Set<String>> out = new HashMap<>();
        final String stamp = warehouse.versionStamp(TABLE);
        if (stamp == null) {
            return out;
        }
        final long version = version(stamp);
        final String path = warehouse.tablePath(TABLE);
        Known known = KNOWN.get(path);
        if (known == null || !known.stamp().equals(stamp)) {
            final List<String[]> rows = new ArrayList<>();
            for (final Row r : warehouse.spark().read().format("delta").option("versionAsOf", version).load(path)
                    .select("table_name", "fingerprint", "input_table", "batch_id").collectAsList()) {
                rows.add(new String[] {r.getString(0), r.getString(1), r.getString(2), r.getString(3)});
            }
            known = new Known(stamp, List.copyOf(rows));
            KNOWN.put(path, known);
        }
        for (final String[] r : known.rows()) {
            if (r[0].equals(table) && r[1].equals(fingerprint)) {
                out.computeIfAbsent(r[2], k -> new HashSet<>()).add(r[3]);
            }
        }
        return out;
    }

    /** Records batches (input table to batch id to rows) as merged into a table at a version: one commit. */
    public void record(final String table, final String fingerprint, final Map<String, Map<String, Long>> batches,
            final long outputVersion) {
        // silver tables built at once record into the one ledger: one append at a time, so the first two do not
        // both create it (Delta refuses the second) and each knows whether another wrote between its reads
        synchronized (LEDGER_WRITES) {
            append(table, fingerprint, batches, outputVersion);
        }
    }

    private static final Object LEDGER_WRITES = new Object();

    private void append(final String table, final String fingerprint, final Map<String, Map<String, Long>> batches,
            final long outputVersion) {
        final Timestamp now = Timestamp.from(Instant.now());
        final List<Row> rows = new ArrayList<>();
        batches.forEach((input, ids) -> ids.forEach((id, n) ->
                rows.add(RowFactory.create(table, input, id, n, fingerprint, outputVersion, now))));
        if (rows.isEmpty()) {
            return;
        }
        final String path = warehouse.tablePath(TABLE);
        final String before = warehouse.versionStamp(TABLE);
        warehouse.spark().createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append).save(path);
        final Known known = KNOWN.get(path);
        final String after = warehouse.versionStamp(TABLE);
        if (known != null && before != null && known.stamp().equals(before) && after != null
                && version(after) == version(before) + 1) {
            // nobody else wrote in between: what is known, plus these rows, is the new version
            final List<String[]> all = new ArrayList<>(known.rows());
            rows.forEach(r -> all.add(new String[] {r.getString(0), r.getString(4), r.getString(1), r.getString(2)}));
            KNOWN.put(path, new Known(after, List.copyOf(all)));
        } else {
            KNOWN.remove(path);
        }
    }

    private static long version(final String stamp) {
        return Long.parseLong(stamp.substring(0, stamp.indexOf('@')));
    }
}

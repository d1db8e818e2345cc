package io.kamwarehouse.ingest;

import java.sql.Timestamp;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.runtime.Warehouse;

/**
 * The {@code ingested_files} table: every landing file loaded, with its checksum, so a file
 * already ingested (same content, whatever its name) is never loaded twice.
 */
public final class IngestedFiles {

    public static final String TABLE = "ingested_files";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("entity", DataTypes.StringType, false),
        DataTypes.createStructField("drop_date", DataTypes.DateType, true),
        DataTypes.createStructField("file_path", DataTypes.StringType, false),
        DataTypes.createStructField("file_size", DataTypes.LongType, false),
        DataTypes.createStructField("file_modified_at", DataTypes.LongType, false),
        DataTypes.createStructField("checksum", DataTypes.StringType, false),
        DataTypes.createStructField("encoding", DataTypes.StringType, true),
        DataTypes.createStructField("batch_id", DataTypes.StringType, false),
        DataTypes.createStructField("rows_read", DataTypes.LongType, false),
        DataTypes.createStructField("rows_loaded", DataTypes.LongType, false),
        DataTypes.createStructField("rows_quarantined", DataTypes.LongType, false),
        DataTypes.createStructField("ingested_at", DataTypes.TimestampType, false),
        DataTypes.createStructField("run_id", DataTypes.StringType, false),
    });

    /** A file already loaded: its identity on disk and its content checksum. */
    public record Seen(Set<String> checksums, Set<String> pathStamps) {
        public static String stamp(final String path, final long size, final long modifiedAt) {
            return path + "|" + size + "|" + modifiedAt;
        }

        /** True when this very file (same path, size and time) was loaded. */
        public boolean hasStamp(final LandingFile f) {
            return pathStamps.contains(stamp(f.path(), f.sizeBytes(), f.modifiedAt()));
        }
    }

    private final Warehouse warehouse;
    /** Read once, then kept up to date in memory while batches are loaded. */
    private java.util.Map<String, Seen> seen;
    /** Rows not yet committed: written together by {@link #flush()}. */
    private final List<Row> pending = new java.util.ArrayList<>();

    public IngestedFiles(final Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Checksums and path stamps of the files already loaded for an entity (including this run's). */
    public Seen seen(final String entity) {
        if (seen == null) {
            seen = new java.util.HashMap<>();
            if (warehouse.exists(TABLE)) {
                for (final Row r : warehouse.read(TABLE).select("entity", "checksum", "file_path", "file_size",
                        "file_modified_at").collectAsList()) {
                    remember(r.getString(0), r.getString(1), Seen.stamp(r.getString(2), r.getLong(3), r.getLong(4)));
                }
            }
        }
        return seen.computeIfAbsent(entity, k -> new Seen(new HashSet<>(), new HashSet<>()));
    }

    private void remember(final String entity, final String checksum, final String stamp) {
        final Seen s = seen.computeIfAbsent(entity, k -> new Seen(new HashSet<>(), new HashSet<>()));
        s.checksums().add(checksum);
        s.pathStamps().add(stamp);
    }

    /**
     * Records loaded files. They are committed by {@link #flush()}: a batch whose record is lost
     * (crash before the flush) is loaded again and replaces itself, so nothing is doubled.
     */
    public void append(final List<Row> rows) {
        seen(rows.isEmpty() ? "" : rows.get(0).getString(0));
        for (final Row r : rows) {
            remember(r.getString(0), r.getString(5), Seen.stamp(r.getString(2), r.getLong(3), r.getLong(4)));
        }
        pending.addAll(rows);
    }

    /** Commits the recorded files (one Delta commit). */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        // without the lease another run may load the same files at the same time: each is recorded once
        warehouse.appendOnce(TABLE, pending, SCHEMA, List.of("entity", "checksum", "file_path"));
        pending.clear();
    }

    static Row row(final String entity, final java.time.LocalDate dropDate, final LandingFile f, final String checksum,
            final String encoding, final String batchId, final long read, final long loaded, final long quarantined,
            final Timestamp at, final String runId) {
        return RowFactory.create(entity, dropDate == null ? null : java.sql.Date.valueOf(dropDate), f.path(),
                f.sizeBytes(), f.modifiedAt(), checksum, encoding, batchId, read, loaded, quarantined, at, runId);
    }
}

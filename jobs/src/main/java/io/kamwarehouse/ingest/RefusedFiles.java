package io.kamwarehouse.ingest;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.runtime.Warehouse;

/**
 * The {@code refused_files} table: every landing file refused whole (it matches no contract, or
 * cannot be read through its contract), with its checksum and why. A refused file is not tried
 * again while it stays as it was (same path, size and modification time): later runs report it
 * and go on, instead of failing on it every time. A changed file, or one named by
 * {@code kamw ingest --retry}, is tried again.
 */
public final class RefusedFiles {

    public static final String TABLE = "refused_files";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("entity", DataTypes.StringType, true),
        DataTypes.createStructField("drop_date", DataTypes.DateType, true),
        DataTypes.createStructField("file_path", DataTypes.StringType, false),
        DataTypes.createStructField("file_size", DataTypes.LongType, false),
        DataTypes.createStructField("file_modified_at", DataTypes.LongType, false),
        DataTypes.createStructField("checksum", DataTypes.StringType, true),
        DataTypes.createStructField("reason", DataTypes.StringType, false),
        DataTypes.createStructField("refused_at", DataTypes.TimestampType, false),
        DataTypes.createStructField("run_id", DataTypes.StringType, false),
        DataTypes.createStructField("batch_files", DataTypes.StringType, true),
    });

    /** An earlier refusal of a file: why and when, and the names of the files refused with it (one batch). */
    public record Refusal(String reason, Timestamp at, String batchFiles) {
    }

    private final Warehouse warehouse;
    private final FileInspector inspector;
    private Map<String, Refusal> earlier;
    private final List<Row> pending = new ArrayList<>();

    public RefusedFiles(final Warehouse warehouse) {
        this.warehouse = warehouse;
        this.inspector = new FileInspector(warehouse.hadoopConf());
    }

    /** The earlier refusal of this file as it is now (same path, size and time), if any. */
    public Optional<Refusal> earlier(final LandingFile f) {
        if (earlier == null) {
            earlier = new HashMap<>();
            if (warehouse.exists(TABLE)) {
                for (final Row r : warehouse.read(TABLE).select("file_path", "file_size", "file_modified_at", "reason", "refused_at", "batch_files")
                        .collectAsList()) {
                    earlier.merge(IngestedFiles.Seen.stamp(r.getString(0), r.getLong(1), r.getLong(2)),
                            new Refusal(r.getString(3), r.getTimestamp(4), r.getString(5)), (a, b) -> a.at().after(b.at()) ? a : b);
                }
            }
        }
        return Optional.ofNullable(earlier.get(IngestedFiles.Seen.stamp(f.path(), f.sizeBytes(), f.modifiedAt())));
    }

    /** Records a file refused with the files {@code batchFiles} (committed by {@link #flush()}). */
    public void record(final String entity, final LocalDate dropDate, final LandingFile f, final String reason, final String runId,
            final String batchFiles) {
        String sum;
        try {
            sum = inspector.checksum(f.path());
        } catch (final RuntimeException e) {
            sum = null; // unreadable: the path, size and time still identify it
        }
        pending.add(RowFactory.create(entity, dropDate == null ? null : java.sql.Date.valueOf(dropDate), f.path(), f.sizeBytes(),
                f.modifiedAt(), sum, reason, Timestamp.from(Instant.now()), runId, batchFiles));
    }

    /** Commits the recorded refusals (one Delta commit). */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        warehouse.appendRows(TABLE, pending, SCHEMA);
        pending.clear();
    }
}

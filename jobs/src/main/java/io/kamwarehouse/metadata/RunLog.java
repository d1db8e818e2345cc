package io.kamwarehouse.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code run_log} Delta table: one appended row per job run, never updated. */
public final class RunLog {

    /** Table name of the run log. */
    public static final String TABLE = "run_log";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("run_id", DataTypes.StringType, false),
        DataTypes.createStructField("pipeline_run_id", DataTypes.StringType, true),
        DataTypes.createStructField("job", DataTypes.StringType, false),
        DataTypes.createStructField("arguments", DataTypes.StringType, true),
        DataTypes.createStructField("started_at", DataTypes.TimestampType, false),
        DataTypes.createStructField("ended_at", DataTypes.TimestampType, false),
        DataTypes.createStructField("duration_ms", DataTypes.LongType, false),
        DataTypes.createStructField("status", DataTypes.StringType, false),
        DataTypes.createStructField("input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true),
        DataTypes.createStructField("output_table", DataTypes.StringType, true),
        DataTypes.createStructField("output_version", DataTypes.LongType, true),
        DataTypes.createStructField("rows_read", DataTypes.LongType, false),
        DataTypes.createStructField("rows_written", DataTypes.LongType, false),
        DataTypes.createStructField("rows_quarantined", DataTypes.LongType, false),
        DataTypes.createStructField("message", DataTypes.StringType, true),
    });

    private final SparkSession spark;
    private final String path;

    /** The run log at {@code path}, the warehouse's location of {@link #TABLE}. */
    public RunLog(final SparkSession spark, final String path) {
        this.spark = spark;
        this.path = path;
    }

    /** Appends run records (one Delta commit). */
    public void append(final List<RunRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        final List<Row> rows = new ArrayList<>();
        for (final RunRecord r : records) {
            rows.add(RowFactory.create(r.runId(), r.pipelineRunId(), r.job(), r.arguments(), r.startedAt(), r.endedAt(),
                    r.endedAt().getTime() - r.startedAt().getTime(), r.status().text(),
                    r.inputVersions() == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(
                            Map.copyOf(r.inputVersions())),
                    r.outputTable(), r.outputVersion(), r.rowsRead(), r.rowsWritten(), r.rowsQuarantined(),
                    r.message()));
        }
        // an append never conflicts with another, but two first writes race to create the table: the loser tries again
        io.kamwarehouse.Conflicts.retrying(path, x -> { }, () ->
                spark.createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append).save(path));
    }

    public void append(final RunRecord record) {
        append(List.of(record));
    }
}

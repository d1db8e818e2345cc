package io.kamwarehouse.pipeline;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.spec.CheckResult;

/**
 * The {@code check_results} Delta table (in the meta layer): every data check's outcome, passed or failed, one row per
 * check per table version checked, by a build (source {@code build}) or by {@code kamw test}
 * (source {@code test}). A run's rows are appended in one commit at its end
 * ({@code Warehouse.appendRows}); the step's
 * {@code run_id} is its row in {@code run_log}. Failed checks keep sample keys, and those
 * {@code kamw test} found keep sample rows as JSON (a build's blocking failures keep theirs in
 * {@code check_failures}).
 */
public final class CheckResults {

    /** Table name. */
    public static final String TABLE = "check_results";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("run_id", DataTypes.StringType, false),
        DataTypes.createStructField("pipeline_run_id", DataTypes.StringType, true),
        DataTypes.createStructField("source", DataTypes.StringType, false),
        DataTypes.createStructField("table_name", DataTypes.StringType, false),
        DataTypes.createStructField("table_version", DataTypes.LongType, true),
        DataTypes.createStructField("check_name", DataTypes.StringType, false),
        DataTypes.createStructField("severity", DataTypes.StringType, false),
        DataTypes.createStructField("passed", DataTypes.BooleanType, false),
        DataTypes.createStructField("failing_rows", DataTypes.LongType, false),
        DataTypes.createStructField("detail", DataTypes.StringType, true),
        DataTypes.createStructField("sample_keys", DataTypes.createArrayType(DataTypes.StringType), true),
        DataTypes.createStructField("sample_rows", DataTypes.createArrayType(DataTypes.StringType), true),
        DataTypes.createStructField("checked_at", DataTypes.TimestampType, false),
    });

    private CheckResults() {
    }

    /**
     * The rows of one table's checks. {@code samples} gives failing rows as JSON per check name
     * (null where none were looked up).
     */
    public static List<Row> rows(final String runId, final String pipelineRunId, final String source, final String table,
            final Long version, final List<CheckResult> checks, final java.util.Map<String, List<String>> samples,
            final Timestamp at) {
        final List<Row> out = new ArrayList<>();
        for (final CheckResult c : checks) {
            final List<String> rows = samples == null ? null : samples.get(c.name());
            out.add(RowFactory.create(runId, pipelineRunId, source, table, version, c.name(), c.severity().label(), c.passed(),
                    c.failingRows(), c.passed() ? null : c.detail(),
                    c.sampleFailingKeys().isEmpty() ? null : scala.jdk.javaapi.CollectionConverters.asScala(c.sampleFailingKeys()).toSeq(),
                    rows == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(rows).toSeq(), at));
        }
        return out;
    }
}

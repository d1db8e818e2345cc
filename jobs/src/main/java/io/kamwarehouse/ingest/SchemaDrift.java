package io.kamwarehouse.ingest;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.runtime.Warehouse;

/**
 * The {@code schema_drift} table: every loaded file whose header differs from its contract, one
 * row per difference: an optional contract column {@code missing} from the file, a column the
 * contract does not know ({@code extra}), and a {@code renamed} guess where a file lacks exactly
 * one optional column and carries exactly one unknown header. Silver reads the {@code missing}
 * rows so that a batch without a column never erases the values earlier batches delivered.
 */
public final class SchemaDrift {

    public static final String TABLE = "schema_drift";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("entity", DataTypes.StringType, false),
        DataTypes.createStructField("drop_date", DataTypes.DateType, true),
        DataTypes.createStructField("batch_id", DataTypes.StringType, false),
        DataTypes.createStructField("file_path", DataTypes.StringType, false),
        DataTypes.createStructField("change", DataTypes.StringType, false),
        DataTypes.createStructField("column_name", DataTypes.StringType, true),
        DataTypes.createStructField("header", DataTypes.StringType, true),
        DataTypes.createStructField("detected_at", DataTypes.TimestampType, false),
        DataTypes.createStructField("run_id", DataTypes.StringType, false),
    });

    private final Warehouse warehouse;
    private final List<Row> pending = new ArrayList<>();

    public SchemaDrift(final Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /**
     * Notes the drift of a file loaded as batch {@code batchId}; returns one line per difference
     * for the command's output (empty when the header is as the contract says).
     */
    public List<String> note(final Contract contract, final LocalDate dropDate, final String batchId, final String filePath,
            final Contract.HeaderMapping mapping, final Timestamp at, final String runId) {
        final List<String> lines = new ArrayList<>();
        final List<ContractColumn> missing = mapping.missingOptional();
        final List<String> extra = mapping.unknownHeaders();
        final java.sql.Date d = dropDate == null ? null : java.sql.Date.valueOf(dropDate);
        for (final ContractColumn c : missing) {
            pending.add(RowFactory.create(contract.qualifiedName(), d, batchId, filePath, "missing", c.name(), null, at, runId));
        }
        for (final String h : extra) {
            pending.add(RowFactory.create(contract.qualifiedName(), d, batchId, filePath, "extra", null, h, at, runId));
        }
        if (missing.size() == 1 && extra.size() == 1) {
            pending.add(RowFactory.create(contract.qualifiedName(), d, batchId, filePath, "renamed", missing.get(0).name(), extra.get(0),
                    at, runId));
            lines.add("column " + missing.get(0).name() + " is missing and header '" + extra.get(0) + "' is unknown: probably "
                    + "renamed; add '" + extra.get(0) + "' to its aliases in " + contract.origin());
        } else {
            if (!missing.isEmpty()) {
                lines.add("optional columns missing: " + missing.stream().map(ContractColumn::name).toList());
            }
            if (!extra.isEmpty()) {
                lines.add("columns not in the contract (kept only in quarantined raw records): " + extra);
            }
        }
        if (!missing.isEmpty()) {
            lines.add("silver keeps the last values earlier drops gave for " + missing.stream().map(ContractColumn::name).toList());
        }
        return lines;
    }

    /** Commits the noted drift (one Delta commit). */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        warehouse.appendRows(TABLE, pending, SCHEMA);
        pending.clear();
    }

    /** The table's rows read once per version: path@version to entity to batch to missing columns. */
    private static final Map<String, Map<String, Map<String, Set<String>>>> MISSING = new ConcurrentHashMap<>();

    /**
     * The contract columns each batch of {@code entity} lacked (batch id to column names), as the
     * table says now; empty when nothing ever lacked a column.
     */
    public static Map<String, Set<String>> missing(final Warehouse wh, final String entity) {
        final long v = wh.version(TABLE);
        if (v < 0) {
            return Map.of();
        }
        final Map<String, Map<String, Set<String>>> all = MISSING.computeIfAbsent(wh.tablePath(TABLE) + "@" + v, k -> {
            final Map<String, Map<String, Set<String>>> out = new TreeMap<>();
            for (final Row r : wh.readVersion(TABLE, v).where("change = 'missing'").select("entity", "batch_id", "column_name")
                    .collectAsList()) {
                out.computeIfAbsent(r.getString(0), x -> new TreeMap<>()).computeIfAbsent(r.getString(1), x -> new HashSet<>())
                        .add(r.getString(2));
            }
            return out;
        });
        return all.getOrDefault(entity, Map.of());
    }
}

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
 * contract does not know ({@code extra}), a {@code renamed} guess where a file lacks exactly
 * one optional column and carries exactly one unknown header, and a column of a typed file
 * (Parquet) whose type is not the contract's ({@code type}). Silver reads the {@code missing}
 * rows so that a batch without a column never erases the values earlier batches delivered.
 * Each row names the contract file it was measured against and that file's version
 * ({@link Contract#version}), so a change is read against the contract as it then was.
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
        DataTypes.createStructField("contract", DataTypes.StringType, true),
        DataTypes.createStructField("contract_version", DataTypes.StringType, true),
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
            pending.add(row(contract, d, batchId, filePath, "missing", c.name(), null, at, runId));
        }
        for (final String h : extra) {
            pending.add(row(contract, d, batchId, filePath, "extra", null, h, at, runId));
        }
        if (missing.size() == 1 && extra.size() == 1) {
            pending.add(row(contract, d, batchId, filePath, "renamed", missing.get(0).name(), extra.get(0), at, runId));
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

    /**
     * Notes the columns of a typed file (Parquet) whose type is not the contract's: a {@code type}
     * row each (the header, and the type it came with against the contract's), and one line for
     * the command's output. Text formats (CSV, JSON lines) carry no types: their values are parsed
     * by the contract, and a value that does not parse is quarantined with its rule.
     */
    public List<String> noteTypes(final Contract contract, final LocalDate dropDate, final String batchId, final String filePath,
            final Contract.HeaderMapping mapping, final Map<String, org.apache.spark.sql.types.DataType> types, final Timestamp at,
            final String runId) {
        final List<String> changed = new ArrayList<>();
        final java.sql.Date d = dropDate == null ? null : java.sql.Date.valueOf(dropDate);
        for (final TypeChange x : typeChanges(mapping, types)) {
            final String was = x.header() + " " + x.type().simpleString() + " (contract: " + x.column().type().sql() + ")";
            pending.add(row(contract, d, batchId, filePath, "type", x.column().name(), was, at, runId));
            changed.add(x.describe());
        }
        return changed.isEmpty() ? List.of() : List.of("column types changed: " + String.join("; ", changed)
                + "; values are converted to the contract's types and those that do not convert are quarantined");
    }

    private static Row row(final Contract contract, final java.sql.Date drop, final String batchId, final String filePath,
            final String change, final String column, final String header, final Timestamp at, final String runId) {
        return RowFactory.create(contract.qualifiedName(), drop, batchId, filePath, change, column, header, at, runId,
                contract.origin(), contract.version());
    }

    /** A column of a typed file that arrives with another type than the contract's. */
    record TypeChange(String header, ContractColumn column, org.apache.spark.sql.types.DataType type) {

        String describe() {
            return column.name() + " arrives as " + type.simpleString() + " where the contract says " + column.type().sql();
        }
    }

    /** The columns of a file whose type (a typed file's, by header; empty for text) is not the contract's. */
    static List<TypeChange> typeChanges(final Contract.HeaderMapping mapping,
            final Map<String, org.apache.spark.sql.types.DataType> types) {
        final List<TypeChange> out = new ArrayList<>();
        for (int i = 0; i < mapping.header().size(); i++) {
            final ContractColumn c = mapping.positions().get(i);
            final org.apache.spark.sql.types.DataType t = types.get(mapping.header().get(i));
            if (c != null && t != null && !fits(c.type(), t)) {
                out.add(new TypeChange(mapping.header().get(i), c, t));
            }
        }
        return out;
    }

    /**
     * The drift of a file its contract refuses (its {@code drift:} rules), one line per change; empty
     * when the file loads. The same differences {@link #note} and {@link #noteTypes} record when it loads.
     */
    static List<String> refused(final Contract contract, final Contract.HeaderMapping mapping,
            final Map<String, org.apache.spark.sql.types.DataType> types) {
        final Set<String> rules = contract.driftRefused();
        final List<String> out = new ArrayList<>();
        if (rules.contains("extra") && !mapping.unknownHeaders().isEmpty()) {
            out.add("columns the contract does not know: " + mapping.unknownHeaders());
        }
        if (rules.contains("missing") && !mapping.missingOptional().isEmpty()) {
            out.add("optional columns missing: " + mapping.missingOptional().stream().map(ContractColumn::name).toList());
        }
        if (rules.contains("type")) {
            typeChanges(mapping, types).forEach(x -> out.add(x.describe()));
        }
        return out;
    }

    /** True when values of Spark type {@code t} are the contract type's without a conversion that can lose or change them. */
    static boolean fits(final io.kamwarehouse.contracts.ColumnType type, final org.apache.spark.sql.types.DataType t) {
        final boolean integral = t instanceof org.apache.spark.sql.types.ByteType || t instanceof org.apache.spark.sql.types.ShortType
                || t instanceof org.apache.spark.sql.types.IntegerType;
        return switch (type.kind()) {
            case STRING -> t instanceof org.apache.spark.sql.types.StringType;
            case INTEGER -> integral;
            case LONG -> integral || t instanceof org.apache.spark.sql.types.LongType;
            case DECIMAL -> t instanceof org.apache.spark.sql.types.DecimalType dt
                    ? dt.scale() <= type.scale() && dt.precision() - dt.scale() <= type.precision() - type.scale()
                    : integral && type.precision() - type.scale() >= 10;
            case DATE -> t instanceof org.apache.spark.sql.types.DateType;
            case TIMESTAMP -> t instanceof org.apache.spark.sql.types.TimestampType || t instanceof org.apache.spark.sql.types.TimestampNTZType;
            case BOOLEAN -> t instanceof org.apache.spark.sql.types.BooleanType;
        };
    }

    /** Commits the noted drift (one Delta commit). */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        // without the lease another run may note the same batch's drift at the same time: each row is kept once
        warehouse.appendOnce(TABLE, pending, SCHEMA, List.of("entity", "batch_id", "file_path", "change", "column_name", "header"));
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

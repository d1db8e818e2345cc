package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_date;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import io.kamwarehouse.contracts.ColumnType;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;

/**
 * Applies a contract's row rules to a raw frame: normalises (trim, value_map), parses each column
 * to its type and collects every rule a row breaks into {@code _violations}, an array of
 * {@code "rule: explanation"} strings (empty for a valid row); {@link #withDuplicateCheck} adds the
 * rule that a business key appears once in a batch.
 *
 * <p>The input has one column per contract column, named canonically, holding the value as found
 * (strings for text formats, typed values for Parquet; a null literal for an absent optional
 * column), plus {@code _malformed} (the parser could not split the record).
 */
public final class RowValidator {

    /** Column holding a row's rule violations. */
    public static final String VIOLATIONS = "_violations";

    private static final List<String> TRUE_WORDS = List.of("true", "t", "1", "yes", "y", "是");
    private static final List<String> FALSE_WORDS = List.of("false", "f", "0", "no", "n", "否");

    private RowValidator() {
    }

    /** Returns the frame with each contract column typed and {@link #VIOLATIONS} added. */
    public static Dataset<Row> validate(final Dataset<Row> raw, final Contract contract) {
        return validate(raw, contract, Map.of());
    }

    /**
     * As {@link #validate(Dataset, Contract)}, with the numeric columns whose header gives another unit
     * ({@code scales}: column to factor, from {@link Contract.HeaderMapping#scales()}) multiplied into
     * the column's unit before the range checks.
     */
    public static Dataset<Row> validate(final Dataset<Row> raw, final Contract contract,
            final Map<String, java.math.BigDecimal> scales) {
        final Map<String, DataType> found = new java.util.HashMap<>();
        for (final org.apache.spark.sql.types.StructField f : raw.schema().fields()) {
            found.put(f.name(), f.dataType());
        }
        final List<String> lineage = new ArrayList<>();
        for (final String f : raw.columns()) {
            if (f.startsWith("_")) {
                lineage.add(f);
            }
        }
        // Stage 1: the normalised text of every column, computed once (later stages refer to it by name,
        // which keeps the plan small: Catalyst would otherwise copy the expression into every check).
        final List<Column> stage1 = new ArrayList<>();
        for (final ContractColumn c : contract.columns()) {
            stage1.add(col(c.name()).as(c.name()));
            stage1.add(normalised(col(c.name()), c).as(textCol(c)));
        }
        lineage.forEach(l -> stage1.add(col(l)));
        final Dataset<Row> texts = raw.select(stage1.toArray(new Column[0]));
        // Stage 2: typed values.
        final List<Column> stage2 = new ArrayList<>();
        for (final ContractColumn c : contract.columns()) {
            final DataType physical = found.getOrDefault(c.name(), DataTypes.StringType);
            Column v = typed(col(c.name()), col(textCol(c)), physical, c, contract);
            final java.math.BigDecimal scale = scales.get(c.name());
            if (scale != null) {
                // in the column's type: a value the factor takes out of its range is not a value of the column
                v = v.cast(DataTypes.createDecimalType(38, 10)).multiply(lit(scale)).try_cast(c.type().sparkType());
            }
            stage2.add(v.as(c.name()));
            stage2.add(col(textCol(c)));
        }
        lineage.forEach(l -> stage2.add(col(l)));
        final Dataset<Row> typed = texts.select(stage2.toArray(new Column[0]));
        // Stage 3: the rules.
        final List<Column> violations = new ArrayList<>();
        violations.add(when(col("_malformed"),
                lit("malformed_record: the record does not split into the header's columns")));
        for (final ContractColumn c : contract.columns()) {
            final Column text = col(textCol(c));
            final Column value = col(c.name());
            if (c.required() && c.byName() != null) {
                // filled from the name later (NameResolution) when the name is there
                violations.add(when(text.isNull().and(col(textCol(contract.column(c.byName().column()).orElseThrow())).isNull()),
                        lit("missing_required: " + c.name() + " is blank, and so is " + c.byName().column())));
            } else if (c.required()) {
                violations.add(when(text.isNull(), lit("missing_required: " + c.name() + " is blank")));
            }
            if (c.type().kind() != ColumnType.Kind.STRING) {
                violations.add(when(text.isNotNull().and(value.isNull()),
                        concat(lit(c.type().badValueRule() + ": " + c.name() + " '"), text,
                                lit("' is not a " + describe(c, contract)))));
            }
            if (!c.acceptedValues().isEmpty()) {
                violations.add(when(value.isNotNull().and(value.isin(c.acceptedValues().toArray()).unary_$bang()),
                        concat(lit("not_accepted: " + c.name() + " '"), value.cast(DataTypes.StringType),
                                lit("' is not one of " + c.acceptedValues()))));
            }
            if (c.min() != null || c.max() != null) {
                Column outside = lit(false);
                if (c.min() != null) {
                    outside = outside.or(value.lt(lit(c.min())));
                }
                if (c.max() != null) {
                    outside = outside.or(value.gt(lit(c.max())));
                }
                violations.add(when(value.isNotNull().and(outside),
                        concat(lit("out_of_range: " + c.name() + " "), value.cast(DataTypes.StringType),
                                lit(" is outside [" + (c.min() == null ? "" : c.min().toPlainString()) + ", "
                                        + (c.max() == null ? "" : c.max().toPlainString()) + "]"))));
            }
        }
        final List<Column> out = new ArrayList<>();
        contract.columns().forEach(c -> out.add(col(c.name())));
        out.add(array_compact(array(violations.toArray(new Column[0]))).as(VIOLATIONS));
        lineage.stream().filter(l -> !"_malformed".equals(l)).forEach(l -> out.add(col(l)));
        return typed.select(out.toArray(new Column[0]));
    }

    private static String textCol(final ContractColumn c) {
        return "_text_" + c.name();
    }

    /** The value as text: trimmed, blank as null, then the contract's value_map applied. */
    static Column normalised(final Column value, final ContractColumn c) {
        final Column text = nullif(trim(value.cast(DataTypes.StringType)), lit(""));
        if (c.valueMap().isEmpty()) {
            return text;
        }
        Column mapped = null;
        for (final Map.Entry<String, String> e : c.valueMap().entrySet()) {
            mapped = mapped == null ? when(text.equalTo(lit(e.getKey())), lit(e.getValue()))
                    : mapped.when(text.equalTo(lit(e.getKey())), lit(e.getValue()));
        }
        return mapped.otherwise(text);
    }

    private static Column typed(final Column value, final Column text, final DataType physical,
            final ContractColumn c, final Contract contract) {
        final ColumnType t = c.type();
        final boolean textual = physical.equals(DataTypes.StringType);
        switch (t.kind()) {
            case STRING:
                return text;
            case INTEGER:
            case LONG:
            case DECIMAL:
                if (!textual && !(physical instanceof org.apache.spark.sql.types.NullType)) {
                    return value.try_cast(t.sparkType());
                }
                return regexp_replace(text, "[,\\s¥￥$]", "").try_cast(t.sparkType());
            case DATE:
                if (physical.equals(DataTypes.DateType) || physical.equals(DataTypes.TimestampType)) {
                    return value.cast(DataTypes.DateType);
                }
                return firstParsed(text, contract.formatsFor(c), true);
            case TIMESTAMP:
                if (physical.equals(DataTypes.TimestampType) || physical.equals(DataTypes.DateType)) {
                    return value.cast(DataTypes.TimestampType);
                }
                return firstParsed(text, contract.formatsFor(c), false);
            case BOOLEAN:
                if (physical.equals(DataTypes.BooleanType)) {
                    return value;
                }
                final Column l = lower(text);
                return when(l.isin(TRUE_WORDS.toArray()), lit(true)).when(l.isin(FALSE_WORDS.toArray()), lit(false))
                        .otherwise(lit(null).cast(DataTypes.BooleanType));
            default:
                throw new IllegalStateException("unhandled type " + t);
        }
    }

    private static Column firstParsed(final Column text, final List<String> formats, final boolean date) {
        final Column[] parsed = new Column[formats.size()];
        for (int i = 0; i < formats.size(); i++) {
            parsed[i] = date ? try_to_date(text, formats.get(i)) : try_to_timestamp(text, lit(formats.get(i)));
        }
        return parsed.length == 1 ? parsed[0] : coalesce(parsed);
    }

    private static String describe(final ContractColumn c, final Contract contract) {
        if (c.type().isTemporal()) {
            return c.type().sql() + " in format " + String.join(" or ", contract.formatsFor(c));
        }
        return c.type().sql();
    }

    /** A business key seen earlier in the batch: the later copies are quarantined. */
    static Dataset<Row> withDuplicateCheck(final Dataset<Row> checked, final Contract contract) {
        final Column[] keys = contract.businessKey().stream().map(k -> col(k)).toArray(Column[]::new);
        final WindowSpec w = Window.partitionBy(keys).orderBy(size(col(RowValidator.VIOLATIONS)).gt(0), col("_ordinal"));
        Column allKeys = lit(true);
        for (final Column k : keys) {
            allKeys = allKeys.and(k.isNotNull());
        }
        final Column isDuplicate = allKeys.and(size(col(RowValidator.VIOLATIONS)).equalTo(0))
                .and(row_number().over(w).gt(1));
        final Column message = concat(lit("duplicate_key: " + String.join(", ", contract.businessKey()) + " ("),
                concat_ws(", ", keys), lit(") appears earlier in the same drop"));
        return checked.withColumn(RowValidator.VIOLATIONS, array_compact(concat(col(RowValidator.VIOLATIONS),
                array(when(isDuplicate, message)))));
    }
}

package io.kamwarehouse.jobs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.runtime.TableChecksums;
import io.kamwarehouse.runtime.WarehouseConfig;
import io.kamwarehouse.spec.Period;
import io.kamwarehouse.spec.SqlText;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.spec.TableTestCase;
import io.kamwarehouse.spec.TableTests;

/**
 * Runs a case of a table's tests ({@link TableTests}): registers the case's given rows as temporary
 * views named after the table's inputs, typed by what the warehouse knows of each input
 * ({@link TableSchemas}; columns a row does not name are NULL; an input the case gives no rows for is
 * empty), runs the table's own query with its vars substituted as the job substitutes them, and
 * compares the output with the expected rows: on the columns they name, in any order, decimals
 * exactly at the column's scale, dates and timestamps as values, doubles to 12 significant digits.
 * A case with a change runs the query before and after it and checks that the table's
 * {@code period.reach} recomputes every output period the change alters. No Delta table is read
 * or written.
 */
public final class TableTestRunner {

    /** What a case came to: passed, or the message saying how the output differs. */
    public record Outcome(boolean passed, String message) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final DateTimeFormatter TIMESTAMP_IN = new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral(' ').optionalEnd().optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendPattern("HH:mm").optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0).parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0).toFormatter();
    private static final DateTimeFormatter TIMESTAMP_OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
    private static final MathContext DOUBLE_DIGITS = new MathContext(12, RoundingMode.HALF_EVEN);

    private final SparkSession spark;
    private final TableSpecCatalog specs;
    private final TableSchemas schemas;
    /** Query outputs by table, vars, given rows and types. */
    private final Map<List<Object>, Dataset<Row>> outputs = new HashMap<>();

    public TableTestRunner(final SparkSession spark, final TableSpecCatalog specs, final TableSchemas schemas) {
        this.spark = spark;
        this.specs = specs;
        this.schemas = schemas;
    }

    /**
     * Runs one case; a case that cannot run (bad value, unknown column, query error) throws with the
     * file and case. Cases of a table with the same rows, vars and types (those that differ only in
     * what they expect) share one run of the query: its output is kept as local rows, which each
     * case then filters and compares.
     */
    public Outcome run(final TableTests tests, final TableTestCase c) {
        return run(specs.get(tests.table()), tests, c);
    }

    /** Runs one case of {@code tests} against {@code spec} (the table's spec, or a variant of it). */
    public Outcome run(final TableSpec spec, final TableTests tests, final TableTestCase c) {
        final String where = "tests " + tests.origin() + ", " + c.label();
        if (!c.changed().isEmpty()) {
            return reach(spec, c, where);
        }
        return compare(output(spec, c, c.given(), where), c, where);
    }

    /** The output of the table's query over {@code given} rows, run once per spec, vars, rows and types. */
    private Dataset<Row> output(final TableSpec spec, final TableTestCase c, final Map<String, List<Map<String, Object>>> given,
            final String where) {
        final List<Object> key = List.of(spec, c.vars(), given, c.types());
        Dataset<Row> out = outputs.get(key);
        if (out == null) {
            out = execute(spec, c, given, where, null);
            outputs.put(key, out);
        }
        return out;
    }

    /**
     * The table's query over {@code given} rows, run once and kept as a frame of local rows; when
     * {@code read} is given, it receives the columns of each input the query reads.
     */
    private Dataset<Row> execute(final TableSpec spec, final TableTestCase c, final Map<String, List<Map<String, Object>>> given,
            final String where, final Map<String, Set<String>> read) {
        final Map<String, StructType> inputs = new LinkedHashMap<>();
        for (final String in : spec.inputs()) {
            inputs.put(in, schemaOf(in, c.types().get(in), where));
        }
        // a handful of rows: one shuffle partition, not the session's
        final String partitions = spark.conf().get(SHUFFLE_PARTITIONS);
        spark.conf().set(SHUFFLE_PARTITIONS, "1");
        try {
            for (final Map.Entry<String, StructType> in : inputs.entrySet()) {
                view(in.getKey(), in.getValue(), given.getOrDefault(in.getKey(), List.of()), where + ", given." + in.getKey())
                        .createOrReplaceTempView(in.getKey());
            }
            try {
                final Dataset<Row> out = spark.sql(sql(spec, c));
                if (read != null) {
                    read.putAll(PeriodPlan.columnsRead(out, spec.inputs()));
                }
                return spark.createDataFrame(out.collectAsList(), out.schema());
            } catch (final RuntimeException e) {
                throw new KamwException(where + ": the query of " + spec.name() + " fails: " + TableSchemas.firstLine(e), e);
            }
        } finally {
            inputs.keySet().forEach(in -> spark.catalog().dropTempView(in));
            spark.conf().set(SHUFFLE_PARTITIONS, partitions);
        }
    }

    // ---- a change and the periods it reaches -------------------------------------------------

    /**
     * A change case: the output periods the change alters (rows compared whole, per period) must
     * all be periods that the spec's {@code period.reach} recomputes for the changed input rows, as
     * a build by period would; then the output after the change is compared with the expected rows,
     * if any.
     */
    private Outcome reach(final TableSpec spec, final TableTestCase c, final String where) {
        final Period period = spec.period();
        if (period == null) {
            throw new KamwException(where + ": changed: checks period.reach, but " + spec.name() + " declares no period");
        }
        final Map<String, Set<String>> read = new HashMap<>();
        final Dataset<Row> before = output(spec, c, c.given(), where);
        final Dataset<Row> after = execute(spec, c, c.afterChange(), where, read);
        final Map<LocalDate, List<String>> rowsBefore = byPeriod(before, period, where);
        final Map<LocalDate, List<String>> rowsAfter = byPeriod(after, period, where);
        final java.util.TreeSet<LocalDate> altered = new java.util.TreeSet<>();
        final java.util.TreeSet<LocalDate> all = new java.util.TreeSet<>(rowsBefore.keySet());
        all.addAll(rowsAfter.keySet());
        for (final LocalDate p : all) {
            if (!minus(rowsBefore.getOrDefault(p, List.of()), rowsAfter.getOrDefault(p, List.of())).isEmpty()
                    || !minus(rowsAfter.getOrDefault(p, List.of()), rowsBefore.getOrDefault(p, List.of())).isEmpty()) {
                altered.add(p);
            }
        }
        if (altered.isEmpty()) {
            throw new KamwException(where + ": the change alters no row of the output, so it checks no reach; change a value the "
                    + "query reads");
        }
        // the changed rows of each input, as the change data feed would give them: old rows deleted, new ones inserted
        PeriodPlan.Decision covered = new PeriodPlan.Decision(false, null, java.util.Set.of(), null);
        final List<String> reaches = new ArrayList<>();
        for (final String in : new java.util.TreeSet<>(c.changed().keySet())) {
            final Period.Reach r = period.reach().get(in);
            if (r == null) {
                throw new KamwException(where + ": " + in + " has no period.reach in " + spec.name() + ": a change of it rebuilds the "
                        + "whole table, so the case checks no reach; declare one, or change another input");
            }
            final StructType schema = schemaOf(in, c.types().get(in), where);
            final Dataset<Row> old = view(in, schema, c.given().getOrDefault(in, List.of()), where + ", given." + in)
                    .withColumn("_change_type", org.apache.spark.sql.functions.lit("delete"));
            final Dataset<Row> now = view(in, schema, c.changed().get(in), where + ", changed." + in)
                    .withColumn("_change_type", org.apache.spark.sql.functions.lit("insert"));
            final List<Row> reached = PeriodPlan.reached(old.unionByName(now), in, r, period, read.get(in)).distinct().collectAsList();
            covered = PeriodPlan.cover(reached, period, covered.periods(), covered.onwardFrom());
            if (covered.full()) {
                throw new KamwException(where + ": " + covered.why());
            }
            reaches.add(in + " " + reachText(r));
        }
        // as a build does: reaching past the last period recomputes from that period on
        final PeriodPlan.Decision declared = PeriodPlan.fromLastPeriod(covered,
                rowsBefore.isEmpty() ? null : new java.util.TreeSet<>(rowsBefore.keySet()).last());
        final List<LocalDate> stale = altered.stream().filter(p -> !declared.periods().contains(p)
                && (declared.onwardFrom() == null || p.isBefore(declared.onwardFrom()))).toList();
        if (!stale.isEmpty()) {
            final StringBuilder sb = new StringBuilder(where).append(": the change alters ")
                    .append(stale.size() == 1 ? "period " : "periods ").append(String.join(", ", stale.stream().map(LocalDate::toString)
                            .toList()))
                    .append(" of the output, which a build by period would leave stale: period.reach (")
                    .append(String.join("; ", reaches)).append(") recomputes ").append(declared.periodsText())
                    .append(". Widen the reach.\n");
            final LocalDate first = stale.get(0);
            final List<String> b = rowsBefore.getOrDefault(first, List.of());
            final List<String> a = rowsAfter.getOrDefault(first, List.of());
            sb.append("rows of ").append(first).append(" before the change, not after:\n");
            minus(b, a).stream().sorted().limit(5).forEach(r -> sb.append("  ").append(r).append('\n'));
            sb.append("after the change, not before:\n");
            minus(a, b).stream().sorted().limit(5).forEach(r -> sb.append("  ").append(r).append('\n'));
            return new Outcome(false, sb.toString());
        }
        return c.expects() ? compare(after, c, where) : new Outcome(true, "");
    }

    private static String reachText(final Period.Reach r) {
        return "reaches from " + r.date() + (r.until() != null ? " until " + r.until() : "")
                + (r.periodsAfter() > 0 ? " and " + r.periodsAfter() + " period(s) after" : "") + (r.onward() ? " onward" : "")
                + (r.rollups().isEmpty() ? "" : " with its " + String.join(" and ", r.rollups().stream().map(Period.Grain::text).toList())
                        + " rows");
    }

    /** The output's rows as comparable text, by the value of its period column. */
    private static Map<LocalDate, List<String>> byPeriod(final Dataset<Row> out, final Period period, final String where) {
        final String column = period.column();
        if (!List.of(out.columns()).contains(column)) {
            throw new KamwException(where + ": the output has no period column " + column);
        }
        final Map<LocalDate, List<String>> rows = new TreeMap<>();
        for (final Row r : TableChecksums.comparable(out).selectExpr("CAST(`" + column + "` AS STRING) AS p", "to_json(struct(*)) AS r")
                .collectAsList()) {
            if (r.isNullAt(0)) {
                throw new KamwException(where + ": an output row has no " + column + " (the period column is a key)");
            }
            rows.computeIfAbsent(period.grain().start(LocalDate.parse(r.getString(0))), k -> new ArrayList<>()).add(r.getString(1));
        }
        return rows;
    }

    /** The table's query with the spec's vars, overridden by the case's, substituted as the job does. */
    String sql(final TableSpec spec, final TableTestCase c) {
        final Map<String, String> conf = new HashMap<>();
        c.vars().forEach((k, v) -> conf.put(SqlText.VAR_CONF_PREFIX + k, v));
        final String currency = c.vars().getOrDefault(SqlText.REPORTING_CURRENCY, WarehouseConfig.DEFAULT_REPORTING_CURRENCY);
        final SqlText.BuiltIns builtIns = new SqlText.BuiltIns(currency, () -> {
            final String asOf = c.vars().get(SqlText.AS_OF_DATE);
            if (asOf == null) {
                throw new KamwException(spec.name() + ", case '" + c.name() + "': the query uses the run's as-of date; give it as "
                        + "vars: {" + SqlText.AS_OF_DATE + ": YYYY-MM-DD}");
            }
            return LocalDate.parse(asOf);
        });
        final String query = TableTests.queryOf(spec);
        final Map<String, String> values = SqlText.resolve(TableTests.varsOf(spec), conf, builtIns, query);
        c.vars().forEach((k, v) -> {
            if (!SqlText.BUILT_IN.contains(k)) {
                values.put(k, v);
            }
        });
        return SqlText.substitute(query, values);
    }

    private StructType schemaOf(final String table, final Map<String, String> types, final String where) {
        StructType base;
        try {
            base = schemas.of(table);
        } catch (final RuntimeException e) {
            if (types == null || types.isEmpty()) {
                throw new KamwException(where + ": the columns of input " + table + " cannot be worked out (" + TableSchemas.firstLine(e)
                        + "); give them under types: " + table + ": {column: type}", e);
            }
            base = new StructType();
        }
        if (types == null) {
            return base;
        }
        final List<StructField> out = new ArrayList<>(List.of(base.fields()));
        for (final Map.Entry<String, String> t : types.entrySet()) {
            final StructField f = DataTypes.createStructField(t.getKey(), DataType.fromDDL(t.getValue()), true);
            final int i = List.of(base.fieldNames()).indexOf(t.getKey());
            if (i >= 0) {
                out.set(i, f);
            } else {
                out.add(f);
            }
        }
        return new StructType(out.toArray(StructField[]::new));
    }

    // ---- given rows ------------------------------------------------------------------------

    /** The given rows as a frame of the input's schema: values checked here, then cast by Spark (as the query would). */
    private Dataset<Row> view(final String table, final StructType schema, final List<Map<String, Object>> rows, final String where) {
        final List<String> names = List.of(schema.fieldNames());
        final List<Row> text = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            final Map<String, Object> row = rows.get(r);
            for (final String col : row.keySet()) {
                if (!names.contains(col)) {
                    throw new KamwException(where + "[" + r + "]: " + col + " is not a column of " + table + " (columns: "
                            + String.join(", ", names) + ")");
                }
            }
            final Object[] values = new Object[names.size()];
            for (int i = 0; i < names.size(); i++) {
                final Object v = row.get(names.get(i));
                values[i] = v == null ? null : given(v, schema.fields()[i].dataType(), where + "[" + r + "]." + names.get(i));
            }
            text.add(RowFactory.create(values));
        }
        final StructType strings = new StructType(names.stream().map(n -> DataTypes.createStructField(n, DataTypes.StringType, true))
                .toArray(StructField[]::new));
        final Dataset<Row> raw = spark.createDataFrame(text, strings);
        final String[] casts = new String[names.size()];
        for (int i = 0; i < names.size(); i++) {
            final DataType t = schema.fields()[i].dataType();
            final String col = "`" + names.get(i) + "`";
            casts[i] = (scalar(t) ? "CAST(" + col + " AS " + t.sql() + ")" : "from_json(" + col + ", '" + t.simpleString() + "')")
                    + " AS " + col;
        }
        return raw.selectExpr(casts);
    }

    /** A given value as text Spark casts to the column's type; a clear error when it cannot be one. */
    private static String given(final Object v, final DataType t, final String where) {
        if (!scalar(t)) {
            try {
                return JSON.writeValueAsString(v);
            } catch (final JsonProcessingException e) {
                throw new KamwException(where + ": " + e.getOriginalMessage());
            }
        }
        if (v instanceof Map || v instanceof List) {
            throw new KamwException(where + ": a " + t.sql() + " column takes a single value, not " + (v instanceof Map ? "a mapping"
                    : "a list"));
        }
        final String s = TableTests.scalarText(v);
        try {
            if (t instanceof DecimalType d) {
                final BigDecimal b = new BigDecimal(s);
                try {
                    b.setScale(d.scale(), RoundingMode.UNNECESSARY);
                } catch (final ArithmeticException e) {
                    throw new KamwException(where + ": " + s + " has more decimal places than " + t.sql() + " holds");
                }
                if (b.precision() - b.scale() > d.precision() - d.scale()) {
                    throw new KamwException(where + ": " + s + " is too large for " + t.sql());
                }
            } else if (t instanceof IntegralType) {
                new BigDecimal(s).toBigIntegerExact();
            } else if (t instanceof DoubleType || t instanceof FloatType) {
                Double.parseDouble(s);
            } else if (t instanceof BooleanType) {
                if (!(v instanceof Boolean)) {
                    throw new KamwException(where + ": '" + s + "' is not true or false");
                }
            } else if (t instanceof DateType) {
                LocalDate.parse(s);
            } else if (t instanceof TimestampType || t instanceof TimestampNTZType) {
                LocalDateTime.parse(s, TIMESTAMP_IN);
            }
        } catch (final NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw new KamwException(where + ": '" + s + "' is not a " + t.sql() + (t instanceof DateType ? " (write 2026-03-15)"
                    : t instanceof TimestampType ? " (write 2026-03-15 09:30:00)" : ""));
        }
        return s;
    }

    private static boolean scalar(final DataType t) {
        return !(t instanceof org.apache.spark.sql.types.ArrayType || t instanceof StructType
                || t instanceof org.apache.spark.sql.types.MapType);
    }

    // ---- comparison ------------------------------------------------------------------------

    private Outcome compare(final Dataset<Row> out, final TableTestCase c, final String where) {
        final List<String> outCols = List.of(out.columns());
        for (final String col : c.columns()) {
            if (!outCols.contains(col)) {
                throw new KamwException(where + ", expect: " + col + " is not a column of the output (columns: "
                        + String.join(", ", outCols) + ")");
            }
        }
        Dataset<Row> rows = out;
        if (c.where() != null) {
            try {
                rows = rows.where(c.where());
                rows.schema();
            } catch (final RuntimeException e) {
                throw new KamwException(where + ", expect.where: '" + c.where() + "' does not apply to the output: "
                        + TableSchemas.firstLine(e), e);
            }
        }
        final StructType schema = out.schema();
        final List<DataType> types = c.columns().stream().map(col -> schema.apply(col).dataType()).toList();
        final String[] select = new String[c.columns().size()];
        for (int i = 0; i < select.length; i++) {
            final String col = "`" + c.columns().get(i) + "`";
            final DataType t = types.get(i);
            select[i] = (!scalar(t) ? "to_json(" + col + ")" : t instanceof DateType || t instanceof TimestampType
                    || t instanceof TimestampNTZType ? "CAST(" + col + " AS STRING)" : col) + " AS " + col;
        }
        final List<List<String>> actual = new ArrayList<>();
        final List<Row> collected = c.columns().isEmpty() ? rows.selectExpr("1 AS one").collectAsList()
                : rows.selectExpr(select).collectAsList();
        for (final Row r : collected) {
            final List<String> canon = new ArrayList<>();
            for (int i = 0; i < select.length; i++) {
                canon.add(r.isNullAt(i) ? null : canonical(r.get(i), types.get(i), true));
            }
            actual.add(canon);
        }
        final List<List<String>> expected = new ArrayList<>();
        for (final Map<String, Object> e : c.rows()) {
            final List<String> canon = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                final Object v = e.get(c.columns().get(i));
                canon.add(v == null ? null : canonical(v, types.get(i), false));
            }
            expected.add(canon);
        }
        final List<List<String>> missing = minus(expected, actual);
        final List<List<String>> unexpected = c.exactly() ? minus(actual, expected) : List.of();
        if (missing.isEmpty() && unexpected.isEmpty()) {
            return new Outcome(true, "");
        }
        final StringBuilder sb = new StringBuilder(where).append(": the output differs from the expected rows\n");
        sb.append("compared on ").append(String.join(", ", c.columns()));
        if (c.where() != null) {
            sb.append(", output rows where ").append(c.where());
        }
        sb.append(c.exactly() ? " (exactly these rows)" : " (these rows among others)").append('\n');
        if (!missing.isEmpty()) {
            sb.append("expected but not produced (").append(missing.size()).append("):\n").append(table(c.columns(), missing));
        }
        if (!unexpected.isEmpty()) {
            sb.append("produced but not expected (").append(unexpected.size()).append("):\n").append(table(c.columns(), unexpected));
        }
        sb.append("expected (").append(expected.size()).append(" rows):\n").append(table(c.columns(), sorted(expected)));
        sb.append("actual (").append(actual.size()).append(" rows):\n").append(table(c.columns(), sorted(actual)));
        return new Outcome(false, sb.toString());
    }

    /** One value in the form both sides are compared in; {@code output} for values Spark produced. */
    private static String canonical(final Object v, final DataType t, final boolean output) {
        final String s = v instanceof String str ? str : TableTests.scalarText(v);
        try {
            if (!scalar(t)) {
                final Object tree = output ? JSON.readValue(s, Object.class) : v;
                return JSON.writeValueAsString(normalise(tree));
            }
            if (t instanceof DecimalType d) {
                final BigDecimal b = output && v instanceof BigDecimal bd ? bd : new BigDecimal(s);
                try {
                    return b.setScale(d.scale(), RoundingMode.UNNECESSARY).toPlainString();
                } catch (final ArithmeticException e) {
                    return b.toPlainString();
                }
            }
            if (t instanceof IntegralType) {
                return new BigDecimal(s).stripTrailingZeros().toPlainString();
            }
            if (t instanceof DoubleType || t instanceof FloatType) {
                final double x = Double.parseDouble(s);
                return Double.isFinite(x) ? new BigDecimal(x).round(DOUBLE_DIGITS).stripTrailingZeros().toPlainString() : s;
            }
            if (t instanceof DateType) {
                return LocalDate.parse(s).toString();
            }
            if (t instanceof TimestampType || t instanceof TimestampNTZType) {
                final LocalDateTime ts = LocalDateTime.parse(s, TIMESTAMP_IN);
                return ts.format(TIMESTAMP_OUT) + (ts.getNano() == 0 ? "" : "." + String.format("%09d", ts.getNano()).replaceAll("0+$", ""));
            }
            if (t instanceof BooleanType || t instanceof StringType) {
                return s;
            }
        } catch (final NumberFormatException | DateTimeParseException | JsonProcessingException e) {
            // not a value of the column's type: compared as written, so the message shows it
            return s;
        }
        return s;
    }

    private static Object normalise(final Object tree) {
        if (tree instanceof Map<?, ?> m) {
            final Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normalise(x)));
            return out;
        }
        if (tree instanceof List<?> l) {
            return l.stream().map(TableTestRunner::normalise).toList();
        }
        if (tree instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        }
        return tree == null ? null : String.valueOf(tree);
    }

    /** The rows of {@code a} left after taking out one match in {@code b} for each. */
    private static <T> List<T> minus(final List<T> a, final List<T> b) {
        final Map<T, Integer> left = new HashMap<>();
        b.forEach(r -> left.merge(r, 1, Integer::sum));
        final List<T> out = new ArrayList<>();
        for (final T r : a) {
            final Integer n = left.get(r);
            if (n == null || n == 0) {
                out.add(r);
            } else {
                left.put(r, n - 1);
            }
        }
        return out;
    }

    private static List<List<String>> sorted(final List<List<String>> rows) {
        final List<List<String>> out = new ArrayList<>(rows);
        out.sort(Comparator.comparing(r -> String.join("\u0000", r.stream().map(x -> x == null ? "" : x).toList())));
        return out;
    }

    /** Rows as an aligned text table with a header line. */
    static String table(final List<String> columns, final List<List<String>> rows) {
        final int[] width = new int[columns.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = columns.get(i).length();
            for (final List<String> r : rows) {
                width[i] = Math.max(width[i], show(r.get(i)).length());
            }
        }
        final StringBuilder sb = new StringBuilder();
        line(sb, columns, width);
        for (final List<String> r : rows) {
            line(sb, r.stream().map(TableTestRunner::show).toList(), width);
        }
        return sb.toString();
    }

    private static void line(final StringBuilder sb, final List<String> cells, final int[] width) {
        sb.append("  |");
        for (int i = 0; i < width.length; i++) {
            sb.append(' ').append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length())).append(" |");
        }
        sb.append('\n');
    }

    private static String show(final String v) {
        return v == null ? "NULL" : v;
    }
}

package io.kamwarehouse.spec;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import io.kamwarehouse.runtime.Warehouse;

/**
 * Runs a spec's data checks on a table. The row checks (not_null, accepted_values, relationship,
 * expression) are counted together in one aggregation, relationships through a left join with the
 * target's distinct keys; each unique check is one grouped aggregation. The same aggregations
 * pick the smallest and largest failing key as samples, so a check costs no further Spark job.
 */
public final class DataChecks {

    private DataChecks() {
    }

    /** Runs the checks on the table's current version. */
    public static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec) {
        return run(warehouse, spec, warehouse.read(spec.name()));
    }

    /**
     * Runs the checks on the table's current version, where a build replaced only the rows
     * {@code scope} selects (a SQL predicate; null for all): the row checks look at those rows, and
     * so does a unique check on columns that include the table's period column (a key cannot repeat
     * across periods); relationships and other unique checks look at the whole table, since a
     * change elsewhere can break them.
     */
    public static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final String scope) {
        return run(warehouse, spec, warehouse.read(spec.name()), scope);
    }

    /** Runs the spec's checks on {@code table}; results in the spec's order. */
    public static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final Dataset<Row> table) {
        return run(warehouse, spec, table, null);
    }

    private static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final Dataset<Row> table,
            final String scope) {
        final Column inScope = scope == null ? lit(true) : expr(scope);
        final Set<String> columns = new TreeSet<>(Arrays.asList(table.columns()));
        for (final CheckSpec c : spec.checks()) {
            for (final String column : c.columns()) {
                if (!columns.contains(column)) {
                    throw new TableSpecException("table spec " + spec.origin() + ", check " + c.name() + ": " + spec.name()
                            + " has no column " + column + " (columns: " + String.join(", ", columns) + ")");
                }
            }
        }
        final List<String> keyColumns = columns.containsAll(spec.keys()) ? spec.keys() : List.of();
        final Map<Integer, CheckResult> results = new LinkedHashMap<>();

        // Row checks: one aggregation over the table left-joined with each relationship's target keys.
        Dataset<Row> joined = table;
        final Map<Integer, Column> failures = new LinkedHashMap<>();
        final Map<Integer, Boolean> missingTargets = new LinkedHashMap<>();
        final Map<String, java.util.Optional<Object[]>> targetKeys = new java.util.HashMap<>();
        for (int i = 0; i < spec.checks().size(); i++) {
            final CheckSpec c = spec.checks().get(i);
            switch (c.kind()) {
                case NOT_NULL -> failures.put(i, inScope.and(col(q(c.column())).isNull()));
                case ACCEPTED_VALUES -> failures.put(i, inScope.and(col(q(c.column())).isNotNull()
                        .and(not(col(q(c.column())).cast(DataTypes.StringType).isin(c.values().toArray())))));
                case RELATIONSHIP -> {
                    final String rk = "_check_ref_" + i;
                    final boolean exists = warehouse.exists(c.toTable());
                    missingTargets.put(i, !exists);
                    if (!exists) {
                        // No target yet: every present value fails.
                        failures.put(i, col(q(c.column())).isNotNull());
                        continue;
                    }
                    final Dataset<Row> target = warehouse.read(c.toTable());
                    if (!Arrays.asList(target.columns()).contains(c.toColumn())) {
                        throw new TableSpecException("table spec " + spec.origin() + ", check " + c.name() + ": "
                                + c.toTable() + " has no column " + c.toColumn());
                    }
                    // A target of dimension size is collected once (one scan, no shuffle) and checked as a set;
                    // a larger one is left-joined through its distinct keys.
                    final Object[] values = targetKeys.computeIfAbsent(c.toTable() + "." + c.toColumn(),
                            k -> smallKeySet(warehouse, c.toTable(), c.toColumn())).orElse(null);
                    if (values != null) {
                        failures.put(i, col(q(c.column())).isNotNull().and(not(col(q(c.column())).isin(values))));
                        continue;
                    }
                    final Dataset<Row> keys = target.select(col(q(c.toColumn())).as(rk)).where(col(rk).isNotNull()).distinct();
                    joined = joined.join(keys, joined.col(q(c.column())).equalTo(keys.col(rk)), "left");
                    failures.put(i, col(q(c.column())).isNotNull().and(col(rk).isNull()));
                }
                case EXPRESSION -> {
                    final Column e = parseExpression(spec, c, table);
                    failures.put(i, inScope.and(not(coalesce(e, lit(true)))));
                }
                case UNIQUE -> {
                    // below
                }
            }
        }
        if (!failures.isEmpty()) {
            final List<Column> aggs = new ArrayList<>();
            failures.forEach((i, fail) -> {
                final CheckSpec c = spec.checks().get(i);
                final Column key = keyText(keyColumns.isEmpty() ? c.columns() : keyColumns);
                aggs.add(count(when(fail, lit(1))).as("_fail_" + i));
                aggs.add(min(when(fail, key)).as("_first_" + i));
                aggs.add(max(when(fail, key)).as("_last_" + i));
            });
            final Row counts = joined.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
            int n = 0;
            for (final Map.Entry<Integer, Column> e : failures.entrySet()) {
                final CheckSpec c = spec.checks().get(e.getKey());
                final long failing = counts.getLong(n);
                final List<String> sample = samples(counts, n + 1);
                n += 3;
                results.put(e.getKey(), new CheckResult(c.name(), c.severity(), failing == 0, failing, sample,
                        failing == 0 ? "ok" : rowDetail(c, failing, Boolean.TRUE.equals(missingTargets.get(e.getKey())))));
            }
        }
        for (int i = 0; i < spec.checks().size(); i++) {
            final CheckSpec c = spec.checks().get(i);
            if (c.kind() == CheckSpec.Kind.UNIQUE) {
                final boolean byPeriod = scope != null && spec.period() != null && c.columns().contains(spec.period().column());
                results.put(i, unique(byPeriod ? table.where(inScope) : table, c));
            }
        }
        final List<CheckResult> out = new ArrayList<>();
        for (int i = 0; i < spec.checks().size(); i++) {
            out.add(results.get(i));
        }
        return out;
    }

    /** Most distinct keys a relationship target may have to be checked as a collected set. */
    static final int MAX_COLLECTED_KEYS = 100_000;

    /** Key sets collected before, by table contents and column: most tables check against the same few dimensions. */
    private static final Map<String, java.util.Optional<Object[]>> KEY_SETS = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, java.util.Optional<Object[]>> eldest) {
                    return size() > 32;
                }
            });

    /**
     * The distinct non-null values of a target column, or empty when there are more than
     * {@link #MAX_COLLECTED_KEYS} rows; remembered for the target's current contents, so the next
     * table that checks against the same dimension version costs no Spark job.
     */
    private static java.util.Optional<Object[]> smallKeySet(final Warehouse warehouse, final String table, final String column) {
        final Warehouse.Contents contents = warehouse.contents(table);
        if (contents == null) {
            // Gone since the caller found it: read() says so clearly.
            return collectKeySet(warehouse.read(table), column);
        }
        final String key = contents + "#" + column;
        final java.util.Optional<Object[]> known = KEY_SETS.get(key);
        if (known != null) {
            return known;
        }
        final java.util.Optional<Object[]> set = collectKeySet(warehouse.readVersion(table, contents.version()), column);
        KEY_SETS.put(key, set);
        return set;
    }

    private static java.util.Optional<Object[]> collectKeySet(final Dataset<Row> target, final String column) {
        final List<Row> rows = target.select(col(q(column))).where(col(q(column)).isNotNull()).limit(MAX_COLLECTED_KEYS + 1)
                .collectAsList();
        if (rows.size() > MAX_COLLECTED_KEYS) {
            return java.util.Optional.empty();
        }
        final java.util.Set<Object> distinct = new java.util.LinkedHashSet<>();
        rows.forEach(r -> distinct.add(r.get(0)));
        return java.util.Optional.of(distinct.toArray());
    }

    private static CheckResult unique(final Dataset<Row> table, final CheckSpec c) {
        Column allPresent = lit(true);
        for (final String k : c.columns()) {
            allPresent = allPresent.and(col(q(k)).isNotNull());
        }
        final Column[] keys = c.columns().stream().map(k -> col(q(k))).toArray(Column[]::new);
        final Dataset<Row> repeated = table.where(allPresent).groupBy(keys).agg(count(lit(1)).as("_rows"))
                .where(col("_rows").gt(1));
        final Column key = keyText(c.columns());
        final Row r = repeated.agg(coalesce(sum(col("_rows")), lit(0L)), count(lit(1)), min(key), max(key)).first();
        final long rows = r.getLong(0);
        final long values = r.getLong(1);
        if (rows == 0) {
            return new CheckResult(c.name(), c.severity(), true, 0, List.of(), "ok");
        }
        return new CheckResult(c.name(), c.severity(), false, rows, samples(r, 2),
                plural(values, "value") + " of (" + String.join(", ", c.columns()) + ") appear more than once, in "
                        + plural(rows, "row"));
    }

    private static Column parseExpression(final TableSpec spec, final CheckSpec c, final Dataset<Row> table) {
        final Column e;
        try {
            e = expr(c.expression());
            final org.apache.spark.sql.types.DataType type = table.select(e.as("_check")).schema().fields()[0].dataType();
            if (!type.equals(DataTypes.BooleanType)) {
                throw new TableSpecException("table spec " + spec.origin() + ", check " + c.name() + ": the expression is "
                        + type.simpleString() + ", not a boolean that must hold for every row");
            }
        } catch (final TableSpecException ex) {
            throw ex;
        } catch (final Exception ex) {
            final String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            throw new TableSpecException("table spec " + spec.origin() + ", check " + c.name() + ": '" + c.expression()
                    + "' is not a valid SQL expression on " + spec.name() + ": " + m.lines().findFirst().orElse(m));
        }
        return e;
    }

    /** The failing key text of a row: key columns joined by ", ", null shown as null. */
    private static Column keyText(final List<String> keys) {
        return concat_ws(", ", keys.stream()
                .map(k -> coalesce(col(q(k)).cast(DataTypes.StringType), lit("null"))).toArray(Column[]::new));
    }

    /** The smallest and largest failing key (one when they are the same, none when nothing failed). */
    private static List<String> samples(final Row r, final int first) {
        final List<String> out = new ArrayList<>();
        for (int i = first; i < first + 2; i++) {
            if (!r.isNullAt(i) && !out.contains(r.getString(i))) {
                out.add(r.getString(i));
            }
        }
        return out;
    }

    private static String rowDetail(final CheckSpec c, final long failing, final boolean missingTarget) {
        final String rows = plural(failing, "row");
        return switch (c.kind()) {
            case NOT_NULL -> rows + " where " + c.column() + " is null";
            case ACCEPTED_VALUES -> rows + " whose " + c.column() + " is not one of " + c.values();
            case RELATIONSHIP -> rows + " whose " + c.column() + " is not in " + c.toTable() + "." + c.toColumn()
                    + (missingTarget ? " (" + c.toTable() + " does not exist yet)" : "");
            case EXPRESSION -> rows + " where (" + c.expression() + ") is false";
            case UNIQUE -> rows;
        };
    }

    private static String plural(final long n, final String word) {
        return String.format("%,d %s%s", n, word, n == 1 ? "" : "s");
    }

    private static String q(final String column) {
        return "`" + column + "`";
    }

    /** The failed checks of severity error. */
    public static List<CheckResult> blocking(final List<CheckResult> results) {
        return results.stream().filter(CheckResult::blocking).toList();
    }

    /** One line: {@code 12 checks: 11 passed, 0 errors, 1 warning: warn relationship(...): ...}. */
    public static String summary(final List<CheckResult> results) {
        final long passed = results.stream().filter(CheckResult::passed).count();
        final long errors = results.stream().filter(CheckResult::blocking).count();
        final long warnings = results.size() - passed - errors;
        final StringBuilder sb = new StringBuilder(plural(results.size(), "check") + ": " + passed + " passed, "
                + plural(errors, "error") + ", " + plural(warnings, "warning"));
        for (final CheckResult r : results) {
            if (!r.passed()) {
                sb.append("; ").append(r.describe());
            }
        }
        return sb.toString();
    }
}

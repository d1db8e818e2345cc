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
 * Runs a spec's data checks on a table. The row checks (not_null, accepted_values, expression,
 * and relationships whose target keys are few enough to collect) are counted together in one
 * aggregation: during the build's own write when the job hands its frame to an {@link Observer},
 * otherwise in a query after it. Unique checks and relationships to larger targets find their
 * failing rows by grouping and joining: all of them in one more query over the union of those
 * rows. The same aggregations pick the smallest and largest failing key as samples, so a table's
 * checks cost at most two queries after its write, and often one or none.
 */
public final class DataChecks {

    private DataChecks() {
    }

    /** Runs the checks on the table's current version. */
    public static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec) {
        return run(warehouse, spec, warehouse.readCurrent(spec.name()));
    }

    /**
     * Runs the checks on the table's current version, where a build replaced only the rows
     * {@code scope} selects (a SQL predicate; null for all): the row checks look at those rows, and
     * so does a unique check on columns that include the table's period column (a key cannot repeat
     * across periods); relationships and other unique checks look at the whole table, since a
     * change elsewhere can break them.
     */
    public static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final String scope) {
        return run(warehouse, spec, warehouse.readCurrent(spec.name()), scope);
    }

    /** Runs the spec's checks on {@code table}; results in the spec's order. */
    public static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final Dataset<Row> table) {
        return run(warehouse, spec, table, null);
    }

    private static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final Dataset<Row> table,
            final String scope) {
        return run(warehouse, spec, table, scope, null);
    }

    /**
     * Runs the checks on the table's current version after a build that wrote its rows through
     * {@code observed} (see {@link #observer}): the row checks counted while the rows were written
     * are taken from there, the others run on the table as {@link #run(Warehouse, TableSpec, String)} says.
     */
    public static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final String scope,
            final Observer observed) {
        return run(warehouse, spec, warehouse.readCurrent(spec.name()), scope, observed);
    }

    private static List<CheckResult> run(final Warehouse warehouse, final TableSpec spec, final Dataset<Row> table,
            final String scope, final Observer observed) {
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
        if (observed != null) {
            results.putAll(observed.results(scope != null));
        }

        // Row checks not counted while the rows were written: one aggregation over the table. Relationships
        // to a target too large to collect, and unique checks, are failing rows found by joins and groupings:
        // all of those in one more query.
        final Map<Integer, Column> failures = new LinkedHashMap<>();
        final Map<Integer, Boolean> missingTargets = new LinkedHashMap<>();
        final Map<Integer, Dataset<Row>> failing = new LinkedHashMap<>();
        final Map<String, java.util.Optional<Object[]>> targetKeys = new java.util.HashMap<>();
        for (int i = 0; i < spec.checks().size(); i++) {
            final CheckSpec c = spec.checks().get(i);
            if (results.containsKey(i)) {
                continue;
            }
            if (c.kind() == CheckSpec.Kind.UNIQUE) {
                final boolean byPeriod = scope != null && spec.period() != null && c.columns().contains(spec.period().column());
                failing.put(i, repeated(byPeriod ? table.where(inScope) : table, c, i));
                continue;
            }
            final Column fail = rowFailure(warehouse, spec, c, i, table, inScope, targetKeys, missingTargets);
            if (fail != null) {
                failures.put(i, fail);
            } else {
                failing.put(i, unmatched(warehouse, c, table, keyText(keyColumns.isEmpty() ? c.columns() : keyColumns), i));
            }
        }
        if (!failures.isEmpty()) {
            final Column[] aggs = aggregates(spec, failures, keyColumns);
            final Row counts = table.agg(aggs[0], Arrays.copyOfRange(aggs, 1, aggs.length)).first();
            results.putAll(rowResults(spec, failures.keySet(), counts, missingTargets));
        }
        if (!failing.isEmpty()) {
            results.putAll(failingResults(spec, failing));
        }
        final List<CheckResult> out = new ArrayList<>();
        for (int i = 0; i < spec.checks().size(); i++) {
            out.add(results.get(i));
        }
        return out;
    }

    /**
     * The rows of {@code table} that break the check named {@code check} of {@code spec}: for a
     * row check the rows it fails, for unique every row holding a repeated key, for a relationship
     * the rows whose value the target lacks. At most {@code limit} rows, in no particular order;
     * used only after a check failed, to keep its rows for inspection.
     */
    public static Dataset<Row> failingRows(final Warehouse warehouse, final TableSpec spec, final String check,
            final Dataset<Row> table, final int limit) {
        final CheckSpec c = spec.checks().stream().filter(x -> x.name().equals(check)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(spec.name() + " has no check " + check));
        final Dataset<Row> rows = switch (c.kind()) {
            case UNIQUE -> table.join(repeatedKeys(table, c), c.columns().toArray(new String[0]), "left_semi");
            case RELATIONSHIP -> {
                final Dataset<Row> present = table.where(col(q(c.column())).isNotNull());
                if (!warehouse.exists(c.toTable())) {
                    yield present;
                }
                final Dataset<Row> keys = targetKeys(warehouse, c, "_check_ref");
                yield present.join(keys, col(q(c.column())).equalTo(keys.col("_check_ref")), "left_anti");
            }
            default -> table.where(breaks(spec, c, table));
        };
        // in the table's column order (a join on key columns puts them first)
        return rows.select(Arrays.stream(table.columns()).map(x -> col(q(x))).toArray(Column[]::new)).limit(limit);
    }

    /** The condition a row of {@code table} breaks a not null, accepted values or expression check on. */
    private static Column breaks(final TableSpec spec, final CheckSpec c, final Dataset<Row> table) {
        return switch (c.kind()) {
            case NOT_NULL -> col(q(c.column())).isNull();
            case ACCEPTED_VALUES -> col(q(c.column())).isNotNull()
                    .and(not(col(q(c.column())).cast(DataTypes.StringType).isin(c.values().toArray())));
            case EXPRESSION -> not(coalesce(parseExpression(spec, c, table), lit(true)));
            default -> throw new IllegalArgumentException(c.kind() + " is not a condition on one row");
        };
    }

    /**
     * The failing-row condition of a row check (not null, accepted values, expression, or a
     * relationship whose target keys are few enough to collect or whose target does not exist yet);
     * null for a relationship that needs a join. A relationship's check number {@code i} goes into
     * {@code missingTargets}, saying whether its target does not exist yet.
     */
    private static Column rowFailure(final Warehouse warehouse, final TableSpec spec, final CheckSpec c, final int i,
            final Dataset<Row> table, final Column inScope, final Map<String, java.util.Optional<Object[]>> targetKeys,
            final Map<Integer, Boolean> missingTargets) {
        return switch (c.kind()) {
            case NOT_NULL, ACCEPTED_VALUES, EXPRESSION -> inScope.and(breaks(spec, c, table));
            case RELATIONSHIP -> {
                final boolean missing = !warehouse.exists(c.toTable());
                missingTargets.put(i, missing);
                if (missing) {
                    // No target yet: every present value fails.
                    yield col(q(c.column())).isNotNull();
                }
                final Dataset<Row> target = warehouse.read(c.toTable());
                if (!Arrays.asList(target.columns()).contains(c.toColumn())) {
                    throw new TableSpecException("table spec " + spec.origin() + ", check " + c.name() + ": "
                            + c.toTable() + " has no column " + c.toColumn());
                }
                // A target of dimension size is collected once (one scan, no shuffle) and checked as a set;
                // a larger one is joined through its distinct keys.
                final Object[] values = targetKeys.computeIfAbsent(c.toTable() + "." + c.toColumn(),
                        k -> smallKeySet(warehouse, c.toTable(), c.toColumn())).orElse(null);
                yield values == null ? null : col(q(c.column())).isNotNull().and(not(col(q(c.column())).isin(values)));
            }
            case UNIQUE -> throw new IllegalArgumentException("a unique check is not a row check");
        };
    }

    /** Failing rows, smallest and largest failing key of each row check, in {@code failures}' order. */
    private static Column[] aggregates(final TableSpec spec, final Map<Integer, Column> failures, final List<String> keyColumns) {
        final List<Column> aggs = new ArrayList<>();
        failures.forEach((i, fail) -> {
            final CheckSpec c = spec.checks().get(i);
            final Column key = keyText(keyColumns.isEmpty() ? c.columns() : keyColumns);
            aggs.add(count(when(fail, lit(1))).as("_fail_" + i));
            aggs.add(min(when(fail, key)).as("_first_" + i));
            aggs.add(max(when(fail, key)).as("_last_" + i));
        });
        return aggs.toArray(new Column[0]);
    }

    private static Map<Integer, CheckResult> rowResults(final TableSpec spec, final java.util.Collection<Integer> checks,
            final Row counts, final Map<Integer, Boolean> missingTargets) {
        final Map<Integer, CheckResult> out = new LinkedHashMap<>();
        int n = 0;
        for (final int i : checks) {
            final CheckSpec c = spec.checks().get(i);
            final long failing = counts.getLong(n);
            final List<String> sample = samples(counts, n + 1);
            n += 3;
            out.put(i, new CheckResult(c.name(), c.severity(), failing == 0, failing, sample,
                    failing == 0 ? "ok" : rowDetail(c, failing, Boolean.TRUE.equals(missingTargets.get(i)))));
        }
        return out;
    }

    /** A unique check's repeated keys: check number, key text, rows holding the key. */
    private static Dataset<Row> repeated(final Dataset<Row> table, final CheckSpec c, final int i) {
        return repeatedKeys(table, c).select(lit(i).as("_check"), keyText(c.columns()).as("_key"), col("_rows"));
    }

    /** A unique check's keys held by more than one row (nulls in a key column never repeat): its key columns and {@code _rows}. */
    private static Dataset<Row> repeatedKeys(final Dataset<Row> table, final CheckSpec c) {
        Column allPresent = lit(true);
        for (final String k : c.columns()) {
            allPresent = allPresent.and(col(q(k)).isNotNull());
        }
        final Column[] keys = c.columns().stream().map(k -> col(q(k))).toArray(Column[]::new);
        return table.where(allPresent).groupBy(keys).agg(count(lit(1)).as("_rows")).where(col("_rows").gt(1));
    }

    /** A relationship's target keys, distinct and present, in a column named {@code as}. */
    private static Dataset<Row> targetKeys(final Warehouse warehouse, final CheckSpec c, final String as) {
        return warehouse.read(c.toTable()).select(col(q(c.toColumn())).as(as)).where(col(as).isNotNull()).distinct();
    }

    /** A relationship's rows whose value is not among the target's: check number, the row's key text, 1. */
    private static Dataset<Row> unmatched(final Warehouse warehouse, final CheckSpec c, final Dataset<Row> table, final Column key,
            final int i) {
        final String rk = "_check_ref_" + i;
        final Dataset<Row> keys = targetKeys(warehouse, c, rk);
        final Dataset<Row> rows = table.where(col(q(c.column())).isNotNull()).select(col(q(c.column())).as("_value"),
                key.as("_key"));
        return rows.join(keys, rows.col("_value").equalTo(keys.col(rk)), "left_anti")
                .select(lit(i).as("_check"), col("_key"), lit(1L).as("_rows"));
    }

    /** The unique and joined relationship checks in one query over the union of their failing rows. */
    private static Map<Integer, CheckResult> failingResults(final TableSpec spec, final Map<Integer, Dataset<Row>> failing) {
        Dataset<Row> all = null;
        for (final Dataset<Row> d : failing.values()) {
            all = all == null ? d : all.union(d);
        }
        final List<Column> aggs = new ArrayList<>();
        for (final int i : failing.keySet()) {
            final Column mine = col("_check").equalTo(lit(i));
            aggs.add(coalesce(sum(when(mine, col("_rows"))), lit(0L)));
            aggs.add(count(when(mine, lit(1))));
            aggs.add(min(when(mine, col("_key"))));
            aggs.add(max(when(mine, col("_key"))));
        }
        final Row r = all.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
        final Map<Integer, CheckResult> out = new LinkedHashMap<>();
        int n = 0;
        for (final int i : failing.keySet()) {
            final CheckSpec c = spec.checks().get(i);
            final long rows = r.getLong(n);
            final long values = r.getLong(n + 1);
            final List<String> sample = samples(r, n + 2);
            n += 4;
            if (rows == 0) {
                out.put(i, new CheckResult(c.name(), c.severity(), true, 0, List.of(), "ok"));
            } else if (c.kind() == CheckSpec.Kind.UNIQUE) {
                out.put(i, new CheckResult(c.name(), c.severity(), false, rows, sample, plural(values, "value") + " of ("
                        + String.join(", ", c.columns()) + ") appear more than once, in " + plural(rows, "row")));
            } else {
                out.put(i, new CheckResult(c.name(), c.severity(), false, rows, sample, rowDetail(c, rows, false)));
            }
        }
        return out;
    }

    /** Creates the observer of {@code spec}'s row checks for a build of it: see {@link Observer}. */
    public static Observer observer(final Warehouse warehouse, final TableSpec spec) {
        return new Observer(warehouse, spec);
    }

    /**
     * Counts a table's row checks while a build writes its rows ({@link Dataset#observe}), so they
     * cost no query of their own: not null, accepted values, expressions, and relationships whose
     * target is another table with keys few enough to collect. A job hands it the frame it writes
     * when that frame is the whole table, or exactly the rows its check scope selects (a build by
     * period); the last frame observed counts. Anything it cannot observe (a frame without a checked
     * column, an expression that does not analyse, a merge) is left to the checks after the write,
     * which then say what is wrong as they always did.
     */
    public static final class Observer implements io.kamwarehouse.runtime.WriteObserver {

        private static final java.util.concurrent.atomic.AtomicLong NAMES = new java.util.concurrent.atomic.AtomicLong();

        private final Warehouse warehouse;
        private final TableSpec spec;
        private org.apache.spark.sql.Observation observation;
        private Map<Integer, Column> observed = Map.of();
        private final Map<Integer, Boolean> missingTargets = new LinkedHashMap<>();

        private Observer(final Warehouse warehouse, final TableSpec spec) {
            this.warehouse = warehouse;
            this.spec = spec;
        }

        @Override
        public Dataset<Row> observe(final Dataset<Row> rows) {
            observation = null;
            observed = Map.of();
            missingTargets.clear();
            final Set<String> columns = new TreeSet<>(Arrays.asList(rows.columns()));
            final Map<Integer, Column> failures = new LinkedHashMap<>();
            try {
                final Map<String, java.util.Optional<Object[]>> targetKeys = new java.util.HashMap<>();
                for (int i = 0; i < spec.checks().size(); i++) {
                    final CheckSpec c = spec.checks().get(i);
                    if (c.kind() == CheckSpec.Kind.UNIQUE || !columns.containsAll(c.columns())
                            || c.kind() == CheckSpec.Kind.RELATIONSHIP && c.toTable().equals(spec.name())) {
                        continue;
                    }
                    final Column fail = rowFailure(warehouse, spec, c, i, rows, lit(true), targetKeys, missingTargets);
                    if (fail != null) {
                        failures.put(i, fail);
                    }
                }
                if (failures.isEmpty()) {
                    return rows;
                }
                final Column[] aggs = aggregates(spec, failures, columns.containsAll(spec.keys()) ? spec.keys() : List.of());
                final org.apache.spark.sql.Observation o = new org.apache.spark.sql.Observation("checks_" + NAMES.incrementAndGet());
                final Dataset<Row> out = rows.observe(o, aggs[0], Arrays.copyOfRange(aggs, 1, aggs.length));
                observation = o;
                observed = failures;
                return out;
            } catch (final RuntimeException e) {
                // left to the checks after the write, which report it
                return rows;
            }
        }

        /**
         * The results of the row checks counted during the last write, by check number; empty when
         * nothing was observed or its figures did not come. Relationships of a build by period
         * ({@code scoped}) are left out: they look at the whole table.
         */
        Map<Integer, CheckResult> results(final boolean scoped) {
            if (observation == null) {
                return Map.of();
            }
            final Row counts;
            try {
                counts = scala.concurrent.Await.result(observation.future(), scala.concurrent.duration.Duration.create(30, "s"));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return Map.of();
            } catch (final Exception e) {
                return Map.of();
            }
            if (counts == null || counts.size() != observed.size() * 3) {
                return Map.of();
            }
            final Map<Integer, CheckResult> all = rowResults(spec, observed.keySet(), counts, missingTargets);
            if (scoped) {
                all.keySet().removeIf(i -> spec.checks().get(i).kind() == CheckSpec.Kind.RELATIONSHIP);
            }
            return all;
        }
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

package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.runtime.TableChecksums;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.Period;
import io.kamwarehouse.spec.TableSpec;

/**
 * Decides what a build of a table with a {@link Period} declaration recomputes: the periods its
 * inputs' changes since the last build reach, or the whole table, and why. The changes come from
 * each input's Delta change data feed between the version the last build read (recorded in its
 * commit, see {@link BuildStamp}) and the version read now, netted: a row deleted and written back
 * the same (a rebuilt upstream table's unchanged rows) is no change, and only the columns the query
 * names count. A changed row reaches from its old and its new values.
 */
final class PeriodPlan {

    /** Columns the change data feed adds to each row. */
    private static final Set<String> FEED_COLUMNS = Set.of("_change_type", "_commit_version", "_commit_timestamp");

    /**
     * What to recompute: the whole table ({@code full}, with {@code why}) or the periods listed
     * plus, when {@code onwardFrom} is set, every period from it on.
     */
    record Decision(boolean full, String why, Set<LocalDate> periods, LocalDate onwardFrom) {

        static Decision full(final String why) {
            return new Decision(true, why, Set.of(), null);
        }

        boolean nothing() {
            return !full && periods.isEmpty() && onwardFrom == null;
        }

        /** The first day of the earliest period replaced (of a build that replaces some). */
        LocalDate first() {
            final LocalDate listed = periods.stream().min(LocalDate::compareTo).orElse(null);
            return listed == null || onwardFrom != null && onwardFrom.isBefore(listed) ? onwardFrom : listed;
        }

        /**
         * A SQL predicate on the period column selecting the periods to replace: a range per run of
         * consecutive periods, so the column may hold any date within its period (a month's first
         * day, or its last as an as-of date does) and Delta can skip files on its statistics.
         */
        String predicate(final String column, final Period.Grain grain) {
            final String c = "`" + column + "`";
            final List<String> parts = new ArrayList<>();
            LocalDate from = null;
            LocalDate to = null;
            for (final LocalDate p : new TreeSet<>(periods)) {
                if (onwardFrom != null && !p.isBefore(onwardFrom)) {
                    break;
                }
                if (from != null && p.equals(to)) {
                    to = grain.plus(p, 1);
                    continue;
                }
                if (from != null) {
                    parts.add(range(c, from, to));
                }
                from = p;
                to = grain.plus(p, 1);
            }
            if (from != null) {
                if (onwardFrom != null && to.equals(onwardFrom)) {
                    onwardFromText(parts, c, from);
                    return String.join(" OR ", parts);
                }
                parts.add(range(c, from, to));
            }
            if (onwardFrom != null) {
                onwardFromText(parts, c, onwardFrom);
            }
            return parts.isEmpty() ? "false" : String.join(" OR ", parts);
        }

        private static void onwardFromText(final List<String> parts, final String c, final LocalDate from) {
            parts.add(c + " >= DATE'" + from + "'");
        }

        private static String range(final String c, final LocalDate from, final LocalDate to) {
            return "(" + c + " >= DATE'" + from + "' AND " + c + " < DATE'" + to + "')";
        }

        /** The periods in a few words: {@code 2026-09-01, 2026-10-01 and from 2026-11-01 on}. */
        String periodsText() {
            final List<String> parts = new ArrayList<>();
            final List<LocalDate> listed = periods.stream().filter(p -> onwardFrom == null || p.isBefore(onwardFrom)).sorted().toList();
            if (listed.size() > 6) {
                parts.add(listed.size() + " periods from " + listed.get(0) + " to " + listed.get(listed.size() - 1));
            } else {
                listed.forEach(p -> parts.add(p.toString()));
            }
            if (onwardFrom != null) {
                parts.add("every period from " + onwardFrom + " on");
            }
            return parts.isEmpty() ? "no period" : String.join(", ", parts);
        }
    }

    private PeriodPlan() {
    }

    /**
     * The columns of each input that the query reads (lower case), from its analysed plan: the
     * attributes of each input's relation that any operator or subquery of the plan refers to. An
     * input missing from the answer could not be told apart in the plan (every column of it is then
     * compared).
     */
    static Map<String, Set<String>> columnsRead(final Dataset<Row> query, final java.util.Collection<String> inputs) {
        final Set<String> names = new TreeSet<>();
        inputs.forEach(i -> names.add(i.toLowerCase(Locale.ROOT)));
        final Map<String, Map<Long, String>> outputs = new java.util.HashMap<>();
        final Set<Long> referenced = new java.util.HashSet<>();
        try {
            visit(query.queryExecution().analyzed(), names, outputs, referenced);
        } catch (final RuntimeException e) {
            return Map.of();
        }
        final Map<String, Set<String>> out = new java.util.HashMap<>();
        outputs.forEach((input, attrs) -> {
            final Set<String> cols = new TreeSet<>();
            attrs.forEach((id, name) -> {
                if (referenced.contains(id)) {
                    cols.add(name);
                }
            });
            out.put(input, cols);
        });
        return out;
    }

    private static void visit(final org.apache.spark.sql.catalyst.plans.logical.LogicalPlan p, final Set<String> inputs,
            final Map<String, Map<Long, String>> outputs, final Set<Long> referenced) {
        if (p instanceof org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias a
                && inputs.contains(a.identifier().name().toLowerCase(Locale.ROOT))) {
            final Map<Long, String> attrs = outputs.computeIfAbsent(a.identifier().name().toLowerCase(Locale.ROOT),
                    k -> new java.util.HashMap<>());
            for (final org.apache.spark.sql.catalyst.expressions.Attribute at : scala.jdk.javaapi.CollectionConverters.asJava(a.output())) {
                attrs.put(at.exprId().id(), at.name().toLowerCase(Locale.ROOT));
            }
        }
        for (final org.apache.spark.sql.catalyst.expressions.Attribute at
                : scala.jdk.javaapi.CollectionConverters.asJava(p.references().toSeq())) {
            referenced.add(at.exprId().id());
        }
        for (final org.apache.spark.sql.catalyst.plans.logical.LogicalPlan sub : scala.jdk.javaapi.CollectionConverters.asJava(p.subqueries())) {
            visit(sub, inputs, outputs, referenced);
        }
        for (final org.apache.spark.sql.catalyst.plans.logical.LogicalPlan c : scala.jdk.javaapi.CollectionConverters.asJava(p.children())) {
            visit(c, inputs, outputs, referenced);
        }
    }

    /**
     * The periods a build of {@code spec} recomputes, or a whole rebuild and why: the periods its
     * inputs' changes reach ({@link #decide}), those of a backfill's date range, and, when that
     * reaches past the table's last period, every period from that last one on: a new last period
     * can change the one before it (a latest flag, the last complete month) and the periods between.
     */
    static Decision plan(final Warehouse wh, final TableSpec spec, final QueryInputs q, final Dataset<Row> query,
            final JobOptions options) {
        if (options.rebuild()) {
            return Decision.full("rebuild asked for");
        }
        // a backfill asks for its periods; otherwise a table whose builds by period cost more than whole ones is rebuilt whole
        final String dearer = options.backfill() ? null : BuildCosts.wholeBecause(wh, spec.name());
        if (dearer != null) {
            return Decision.full(dearer);
        }
        final List<String> reasons = new ArrayList<>();
        final Decision changed = decide(wh, spec, q, query, QueryInputs.lastStamp(wh, spec.name()), reasons);
        if (changed.full()) {
            return changed;
        }
        final Period.Grain grain = spec.period().grain();
        final Set<LocalDate> periods = new TreeSet<>(changed.periods());
        if (options.backfill()) {
            for (LocalDate p = grain.start(options.from()); !p.isAfter(options.to()); p = grain.plus(p, 1)) {
                periods.add(p);
            }
            reasons.add(0, "backfill " + options.from() + " to " + options.to());
        }
        final Decision d = new Decision(false, reasons.isEmpty() ? "nothing changed" : String.join("; ", reasons), periods,
                changed.onwardFrom());
        return d.nothing() ? d : fromLastPeriod(d, lastPeriod(wh.readCurrent(spec.name()), spec.period()));
    }

    /** The start of the last period a table holds, or null when it holds none. */
    static LocalDate lastPeriod(final Dataset<Row> table, final Period period) {
        final Row r = table.agg(functions.max(col("`" + period.column() + "`")).cast("date")).first();
        return r.isNullAt(0) ? null : period.grain().start(r.getDate(0).toLocalDate());
    }

    /** {@code d}, recomputing from {@code last} on when it reaches a period after {@code last}. */
    static Decision fromLastPeriod(final Decision d, final LocalDate last) {
        if (d.full() || last == null) {
            return d;
        }
        final boolean past = (d.onwardFrom() != null) || d.periods().stream().anyMatch(p -> p.isAfter(last));
        if (!past || (d.onwardFrom() != null && !d.onwardFrom().isAfter(last))) {
            return d;
        }
        return new Decision(false, d.why(), d.periods(), last);
    }

    /**
     * What the build of {@code spec} from {@code q} (whose query is {@code query}) must recompute,
     * given its last build's {@code last} stamp.
     */
    static Decision decide(final Warehouse wh, final TableSpec spec, final QueryInputs q, final Dataset<Row> query,
            final BuildStamp last, final List<String> reasons) {
        final Period period = spec.period();
        if (last == null || last.logic() == null) {
            return Decision.full(wh.exists(spec.name()) ? "its last build recorded no input versions" : "first build");
        }
        if (!last.logic().equals(q.logic)) {
            return Decision.full("its query or a var changed since the last build");
        }
        final Set<LocalDate> periods = new TreeSet<>();
        LocalDate onward = null;
        if (q.asOf != null && !q.asOf.equals(last.asOf())) {
            final Period.Reach r = period.reach().get(Period.AS_OF);
            if (r == null || last.asOf() == null) {
                return Decision.full("the as-of date moved (" + last.asOf() + " -> " + q.asOf + ") and period.reach does not "
                        + "declare how far it reaches");
            }
            final LocalDate a = LocalDate.parse(last.asOf());
            final LocalDate b = LocalDate.parse(q.asOf);
            final LocalDate from = period.grain().start(a.isBefore(b) ? a : b);
            final LocalDate to = period.grain().start(a.isBefore(b) ? b : a);
            onward = add(period, periods, from, to, r, onward);
            reasons.add("as-of date " + last.asOf() + " -> " + q.asOf);
        }
        final List<Dataset<Row>> reached = new ArrayList<>();
        final Map<String, Integer> reasonAt = new java.util.HashMap<>();
        Map<String, Set<String>> read = null;
        for (final Map.Entry<String, Long> e : new java.util.TreeMap<>(q.inputs.versions()).entrySet()) {
            final String in = e.getKey();
            final long now = e.getValue();
            final Long before = last.inputs().get(in);
            if (before == null) {
                return Decision.full("input " + in + " was not read by the last build");
            }
            if (now == before) {
                continue;
            }
            if (now < before) {
                return Decision.full("input " + in + " went back from v" + before + " to v" + now);
            }
            final Period.Reach r = period.reach().get(in);
            final Dataset<Row> changes;
            try {
                changes = wh.readChanges(in, before + 1, now);
                changes.schema();
            } catch (final Exception ex) {
                return Decision.full("the change feed of " + in + " from v" + (before + 1) + " to v" + now + " is not available ("
                        + IngestService.rootMessage(ex) + ")");
            }
            if (read == null) {
                read = columnsRead(query, q.inputs.versions().keySet());
            }
            if (r == null) {
                // no declared reach: any row that changed rebuilds the whole table; a new version with the same rows does not
                final boolean changed;
                try {
                    changed = !netted(changes, comparedColumns(changes, null, read.get(in))).isEmpty();
                } catch (final Exception ex) {
                    return Decision.full("the changes of " + in + " could not be read (" + IngestService.rootMessage(ex) + ")");
                }
                if (changed) {
                    return Decision.full("input " + in + " changed (v" + before + " -> v" + now + ") and period.reach does not "
                            + "declare how far its changes reach");
                }
                reasons.add(in + " v" + before + " -> v" + now + " with the same rows");
                continue;
            }
            reasonAt.put(in, reasons.size());
            reasons.add(in + " v" + before + " -> v" + now);
            reached.add(reached(changes, in, r, period, read.get(in)));
        }
        if (!reached.isEmpty()) {
            Dataset<Row> all = reached.get(0);
            for (final Dataset<Row> d : reached.subList(1, reached.size())) {
                all = all.unionByName(d);
            }
            final List<Row> rows;
            try {
                rows = all.distinct().collectAsList();
            } catch (final Exception ex) {
                return Decision.full("the changes of its inputs could not be read (" + IngestService.rootMessage(ex) + ")");
            }
            // each input's own reach in its reason, so the run log tells which change reached how far
            final Map<String, List<Row>> byInput = new java.util.TreeMap<>();
            rows.forEach(row -> byInput.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(row));
            byInput.forEach((in, its) -> {
                final Decision one = cover(its, period, Set.of(), null);
                final Integer at = reasonAt.get(in);
                if (!one.full() && at != null) {
                    reasons.set(at, reasons.get(at) + ": " + one.periodsText());
                }
            });
            return cover(rows, period, periods, onward);
        }
        return new Decision(false, null, Set.copyOf(periods), onward);
    }

    /**
     * The periods covered by {@code rows} of {@link #reached} ({@code input, p_from, p_until}), added
     * to {@code periods} and {@code onward} (what other causes reached already); a whole rebuild when
     * a row has no period.
     */
    static Decision cover(final List<Row> rows, final Period period, final Set<LocalDate> periods, final LocalDate onwardFrom) {
        final Set<LocalDate> out = new TreeSet<>(periods);
        LocalDate onward = onwardFrom;
        for (final Row row : rows) {
            final String in = row.getString(0);
            final Period.Reach r = period.reach().get(in);
            if (row.isNullAt(1)) {
                return Decision.full("a changed row of " + in + " has no " + r.date() + ", so its period is unknown");
            }
            final LocalDate from = row.getDate(1).toLocalDate();
            final boolean open = r.until() != null && row.isNullAt(2);
            LocalDate to = r.until() == null || open ? from : row.getDate(2).toLocalDate();
            if (to.isBefore(from)) {
                to = from;
            }
            onward = add(period, out, from, to, open ? r.withOnward() : r, onward);
        }
        return new Decision(false, null, Set.copyOf(out), onward);
    }

    /**
     * Adds the periods from {@code from} to {@code to}, the reach's after-periods and the periods
     * holding their rollups' rows; returns the new onward bound (a rollup of a period from it on
     * ends from it on too).
     */
    private static LocalDate add(final Period period, final Set<LocalDate> periods, final LocalDate from, final LocalDate to,
            final Period.Reach r, final LocalDate onward) {
        final LocalDate last = period.grain().plus(to, r.periodsAfter());
        if (r.onward()) {
            return onward == null || from.isBefore(onward) ? from : onward;
        }
        for (LocalDate p = from; !p.isAfter(last); p = period.grain().plus(p, 1)) {
            periods.add(p);
            periods.addAll(r.rollupPeriods(period.grain(), p));
        }
        return onward;
    }

    /**
     * The distinct periods (first, last) that the netted changes of one input reach, as rows
     * {@code (input, p_from, p_until)}.
     */
    static Dataset<Row> reached(final Dataset<Row> changes, final String input, final Period.Reach r, final Period period,
            final Set<String> read) {
        final List<String> columns = comparedColumns(changes, r, read);
        final Netted diff = diff(compared(changes, r), columns);
        if (r.until() == null) {
            return diff.both().select(lit(input).as("input"), expr(period.grain().truncSql(r.date())).as("p_from"),
                    lit(null).cast("date").as("p_until"));
        }
        final Set<String> untilColumns = r.untilColumns();
        final List<String> identity = columns.stream().filter(c -> !untilColumns.contains(c.toLowerCase(Locale.ROOT))).toList();
        if (identity.isEmpty()) {
            return diff.both().select(lit(input).as("input"), expr(period.grain().truncSql(r.date())).as("p_from"),
                    expr(period.grain().truncSql(r.until())).as("p_until"));
        }
        return validityChanges(diff.removed(), diff.added(), identity, input, r, period);
    }

    /**
     * The periods reached by rows with a validity interval ({@code date} to {@code until}): a row
     * whose only change is its end (a dimension version closed, or reopened) reaches from the
     * earlier of its old and new end to the later (onward when either is open), not its whole
     * interval; any other removed or added row reaches its interval. Rows are paired by every
     * compared column but those of {@code until}.
     */
    private static Dataset<Row> validityChanges(final Dataset<Row> removed, final Dataset<Row> added, final List<String> identity,
            final String input, final Period.Reach r, final Period period) {
        final Period.Grain g = period.grain();
        final Dataset<Row> old = removed.select(expr("struct(*)").as("v"), expr(r.date()).as("d"), expr(r.until()).as("u"),
                lit(true).as("present"));
        final Dataset<Row> now = added.select(expr("struct(*)").as("v"), expr(r.date()).as("d"), expr(r.until()).as("u"),
                lit(true).as("present"));
        Column same = null;
        for (final String c : identity) {
            final Column eq = old.col("v").getField(c).eqNullSafe(now.col("v").getField(c));
            same = same == null ? eq : same.and(eq);
        }
        final Dataset<Row> paired = old.as("o").join(now.as("n"), same, "full_outer");
        final Column both = col("o.present").isNotNull().and(col("n.present").isNotNull());
        final Column from = functions.when(both, functions.least(col("o.u"), col("n.u")))
                .otherwise(functions.coalesce(col("o.d"), col("n.d")));
        final Column until = functions.when(both, functions.when(col("o.u").isNull().or(col("n.u").isNull()), lit(null))
                        .otherwise(functions.greatest(col("o.u"), col("n.u"))))
                .otherwise(functions.when(col("o.present").isNotNull(), col("o.u")).otherwise(col("n.u")));
        return paired.select(lit(input).as("input"), from.as("f"), until.as("t"))
                .select(col("input"), expr(g.truncSql("f")).as("p_from"), expr(g.truncSql("t")).as("p_until"));
    }

    /**
     * The changes with each column the reach's {@code compare} names replaced by its expression's
     * value, so a change counts only where what the query uses of the column changed.
     */
    static Dataset<Row> compared(final Dataset<Row> changes, final Period.Reach r) {
        if (r.compare().isEmpty()) {
            return changes;
        }
        final List<Column> cols = new ArrayList<>();
        for (final String c : changes.columns()) {
            final String e = r.compare().get(c.toLowerCase(Locale.ROOT));
            cols.add(e == null ? col("`" + c + "`") : expr(e).as(c));
        }
        return changes.select(cols.toArray(Column[]::new));
    }

    /** The netted changes of an input: rows removed (old values no row has now) and rows added (new values no row had). */
    record Netted(Dataset<Row> all) {

        /** Rows with old values no row has now. */
        Dataset<Row> removed() {
            return all.where(col(NET).lt(0)).drop(NET);
        }

        /** Rows with new values no row had. */
        Dataset<Row> added() {
            return all.where(col(NET).gt(0)).drop(NET);
        }

        /** Removed and added rows together. */
        Dataset<Row> both() {
            return all.drop(NET);
        }
    }

    private static final String NET = "_net_change";

    /**
     * The netted changes on {@code columns}, each distinct row once: one aggregation over the feed
     * that adds the rows written and subtracts the rows taken away (a set difference each way would
     * read the feed four times). Maps are compared as their sorted entries (they cannot be grouped),
     * doubles rounded.
     */
    static Netted diff(final Dataset<Row> changes, final List<String> columns) {
        final Column[] cols = columns.stream()
                .map(c -> TableChecksums.comparable(col("`" + c + "`"), changes.schema().apply(c).dataType()).as(c))
                .toArray(Column[]::new);
        final Column type = col("_change_type");
        final Column sign = functions.when(type.isin("insert", "update_postimage"), lit(1L))
                .when(type.isin("delete", "update_preimage"), lit(-1L)).otherwise(lit(0L));
        final Column[] selected = Arrays.copyOf(cols, cols.length + 1);
        selected[cols.length] = sign.as(NET);
        final Column[] keys = columns.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new);
        return new Netted(changes.select(selected).groupBy(keys).agg(functions.sum(col(NET)).as(NET))
                .where(col(NET).notEqual(0)));
    }

    /** Every netted change on {@code columns}, removed and added rows together. */
    static Dataset<Row> netted(final Dataset<Row> changes, final List<String> columns) {
        return diff(changes, columns).both();
    }

    /**
     * The input's columns that decide whether a row changed: those the query reads ({@code read},
     * from its analysed plan; every column when it is unknown) and those the reach names, leaving
     * out run-time columns.
     */
    static List<String> comparedColumns(final Dataset<Row> changes, final Period.Reach r, final Set<String> read) {
        final boolean all = read == null;
        final Set<String> reachColumns = r == null ? Set.of() : Period.columnsNamed(r);
        final List<String> out = new ArrayList<>();
        for (final String c : Arrays.asList(changes.columns())) {
            final String lc = c.toLowerCase(Locale.ROOT);
            if (FEED_COLUMNS.contains(lc) || TableChecksums.RUN_TIME_COLUMNS.contains(lc)) {
                continue;
            }
            if (all || read.contains(lc) || reachColumns.contains(lc)) {
                out.add(c);
            }
        }
        return out;
    }
}

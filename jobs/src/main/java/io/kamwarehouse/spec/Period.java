package io.kamwarehouse.spec;

import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A gold table's time grain and how far a change of each input reaches into it: the spec's
 * {@code period:} block. With it a build recomputes only the periods a change reaches and replaces
 * exactly those; without it (or when a changed input has no declared reach) the table is rebuilt
 * whole, so a missing declaration errs on the safe side.
 * <pre>
 * period:
 *   column: month                 # the table's period column: a DATE, the first day of its period
 *   grain: month                  # day, month, quarter or year
 *   reach:
 *     stg_crm__activities: activity_date                        # a changed row reaches the period of its date
 *     stg_finance__costs: {date: cost_month, periods_after: 11} # ... and the 11 after it (a trailing 12-month measure)
 *     stg_finance__invoices: {date: invoice_date, onward: true} # ... and every later one (a balance, a running total)
 *     dim_account: {date: valid_from, until: valid_to}          # the periods of its validity interval (open: onward)
 *     as_of_date: {}                                            # a new as-of date reaches the periods between the old and the new
 *     stg_finance__contracts: {date: start_date, compare: {status: "status = 'cancelled'"}}
 *                                 # a status change counts only when it cancels or uncancels a contract
 *     stg_crm__contacts: {date: created_date, rollups: [quarter, year]}
 *                                 # ... and the quarter and year rows kept beside the month rows, under the period
 *                                 #     column at their end (a table of month, quarter and year rows by period_end)
 * </pre>
 * A row that changed reaches from both its old and its new values. An input left out of
 * {@code reach} (a config or plan table, say) rebuilds the whole table when it changes.
 *
 * @param column the period column
 * @param grain  the period's length
 * @param reach  per input (or {@value SqlText#AS_OF_DATE}), how a change maps to this table's periods
 */
public record Period(String column, Grain grain, Map<String, Reach> reach) {

    /** The reach key of the run's as-of date. */
    public static final String AS_OF = SqlText.AS_OF_DATE;

    private static final Set<String> KEYS = Set.of("column", "grain", "reach");
    private static final Set<String> REACH_KEYS = Set.of("date", "until", "periods_after", "onward", "compare", "rollups");

    public Period {
        reach = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reach));
    }

    /** A period's length. */
    public enum Grain {
        DAY, MONTH, QUARTER, YEAR;

        /** The first day of the period holding {@code d}. */
        public LocalDate start(final LocalDate d) {
            return switch (this) {
                case DAY -> d;
                case MONTH -> d.withDayOfMonth(1);
                case QUARTER -> d.withDayOfMonth(1).withMonth((d.get(IsoFields.QUARTER_OF_YEAR) - 1) * 3 + 1);
                case YEAR -> d.withDayOfYear(1);
            };
        }

        /** The first day of the period {@code n} periods after the one starting on {@code start}. */
        public LocalDate plus(final LocalDate start, final long n) {
            return switch (this) {
                case DAY -> start.plusDays(n);
                case MONTH -> start.plusMonths(n);
                case QUARTER -> start.plusMonths(3 * n);
                case YEAR -> start.plusYears(n);
            };
        }

        /** A SQL expression truncating a date expression to the start of its period. */
        public String truncSql(final String dateSql) {
            final String d = "CAST((" + dateSql + ") AS DATE)";
            return switch (this) {
                case DAY -> d;
                case MONTH -> "trunc(" + d + ", 'MM')";
                case QUARTER -> "trunc(" + d + ", 'QUARTER')";
                case YEAR -> "trunc(" + d + ", 'YEAR')";
            };
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How a changed row of one input reaches this table's periods.
     *
     * @param date         SQL expression over the input's columns: the period the row reaches first
     *                     (null only for the as-of date's reach)
     * @param until        SQL expression: the last date the row reaches (a validity end); null when
     *                     not declared; a null value of it reaches onward
     * @param periodsAfter periods after the last one reached that the row also reaches (a trailing window)
     * @param onward       the row reaches every later period too
     * @param compare      per input column, the SQL expression of it that the query uses: a change of the
     *                     column counts only when the expression's value changes (an invoice's status read
     *                     only to leave out void invoices); empty when every value counts
     * @param rollups      longer periods whose rows the table keeps beside those of its grain, under the
     *                     period column at their last day (a quarter's row at the end of its last month): a
     *                     reached period also reaches the period holding the end of each rollup around it
     */
    public record Reach(String date, String until, int periodsAfter, boolean onward, Map<String, String> compare,
            List<Grain> rollups) {

        public Reach {
            compare = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(compare == null ? Map.of() : compare));
            rollups = rollups == null ? List.of() : List.copyOf(rollups);
        }

        /** A reach whose changes count on every value. */
        public Reach(final String date, final String until, final int periodsAfter, final boolean onward) {
            this(date, until, periodsAfter, onward, Map.of(), List.of());
        }

        /**
         * The period (of {@code grain}) holding the last day of each rollup period around {@code p}:
         * where that rollup's row lies under the period column.
         */
        public List<LocalDate> rollupPeriods(final Grain grain, final LocalDate p) {
            final List<LocalDate> out = new java.util.ArrayList<>();
            for (final Grain r : rollups) {
                out.add(grain.start(r.plus(r.start(p), 1).minusDays(1)));
            }
            return out;
        }

        /** The columns the {@code until} expression names (none when it is not declared). */
        public Set<String> untilColumns() {
            return until == null ? Set.of() : new TreeSet<>(SqlExpressions.columns(until));
        }

        /** The same reach, reaching every later period too. */
        public Reach withOnward() {
            return new Reach(date, until, periodsAfter, true, compare, rollups);
        }
    }

    /** Parses the {@code period:} block of a spec whose inputs are {@code inputs}. */
    static Period parse(final SpecFields f, final Object block, final List<String> inputs) {
        final Map<String, Object> m = f.mapping(block, "period");
        f.unknownKeys("period", m.keySet(), KEYS);
        final String column = f.requiredString(m, "column", "period.column");
        SpecFields.checkColumnName(f, "period.column", column);
        final Grain grain = grainNamed(f, "period.grain", f.requiredString(m, "grain", "period.grain"), "day, month, quarter, year");
        final Map<String, Reach> reach = new LinkedHashMap<>();
        if (m.get("reach") != null) {
            for (final Map.Entry<String, Object> e : f.mapping(m.get("reach"), "period.reach").entrySet()) {
                final String input = e.getKey();
                final String field = "period.reach." + input;
                if (!input.equals(AS_OF) && !inputs.contains(input)) {
                    throw f.error(field, "'" + input + "' is not an input of this table (inputs: " + String.join(", ", inputs)
                            + ") nor " + AS_OF);
                }
                reach.put(input, reach(f, field, e.getValue(), input.equals(AS_OF), grain));
            }
        }
        return new Period(column, grain, reach);
    }

    private static Reach reach(final SpecFields f, final String field, final Object v, final boolean asOf, final Grain grain) {
        if (v instanceof String s && !asOf) {
            return new Reach(expression(f, field, s), null, 0, false);
        }
        final Map<String, Object> m = v == null && asOf ? Map.of() : f.mapping(v, field);
        f.unknownKeys(field, m.keySet(), REACH_KEYS);
        final String date = f.optionalString(m, "date", field + ".date");
        final String until = f.optionalString(m, "until", field + ".until");
        if (asOf && (date != null || until != null)) {
            throw f.error(field, "the as-of date's reach is the periods between the old and the new as-of date: give only "
                    + "periods_after, onward or rollups");
        }
        if (!asOf && date == null) {
            throw f.error(field, "needs date: the column (or expression) whose period a changed row reaches, e.g. {date: activity_date}");
        }
        final Object after = m.get("periods_after");
        if (after != null && !(after instanceof Integer i && i >= 0)) {
            throw f.error(field + ".periods_after", "must be a whole number of periods, 0 or more");
        }
        final Object onward = m.get("onward");
        if (onward != null && !(onward instanceof Boolean)) {
            throw f.error(field + ".onward", "must be true or false");
        }
        final Reach r = new Reach(date == null ? null : expression(f, field + ".date", date),
                until == null ? null : expression(f, field + ".until", until), after == null ? 0 : (Integer) after,
                Boolean.TRUE.equals(onward), compare(f, field + ".compare", m.get("compare"), asOf),
                rollups(f, field + ".rollups", m, grain));
        final Set<String> named = columnsNamed(r);
        for (final String c : r.compare().keySet()) {
            if (named.contains(c)) {
                throw f.error(field + ".compare." + c, "names a column the reach's date or until reads: compare only columns the "
                        + "periods do not come from");
            }
        }
        return r;
    }

    private static List<Grain> rollups(final SpecFields f, final String field, final Map<String, Object> m, final Grain grain) {
        final List<Grain> out = new java.util.ArrayList<>();
        for (final String text : f.stringList(m, "rollups", field, false)) {
            final Grain r = grainNamed(f, field, text, "month, quarter, year");
            if (r.ordinal() <= grain.ordinal()) {
                throw f.error(field, "'" + text + "' is not longer than the table's grain (" + grain.text() + "): a rollup is a "
                        + "longer period whose rows the table keeps beside those of its grain");
            }
            out.add(r);
        }
        return out;
    }

    private static Grain grainNamed(final SpecFields f, final String field, final String text, final String choices) {
        try {
            return Grain.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw f.error(field, "'" + text + "' is not one of " + choices);
        }
    }

    private static Map<String, String> compare(final SpecFields f, final String field, final Object v, final boolean asOf) {
        if (v == null) {
            return Map.of();
        }
        if (asOf) {
            throw f.error(field, "the as-of date has no columns to compare");
        }
        final Map<String, String> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : f.mapping(v, field).entrySet()) {
            SpecFields.checkColumnName(f, field, e.getKey());
            if (!(e.getValue() instanceof String s) || s.isBlank()) {
                throw f.error(field + "." + e.getKey(), "must be a SQL expression of the column, e.g. \"coalesce(status, '') = 'void'\"");
            }
            out.put(e.getKey().toLowerCase(Locale.ROOT), expression(f, field + "." + e.getKey(), s));
        }
        return out;
    }

    private static String expression(final SpecFields f, final String field, final String text) {
        try {
            SqlExpressions.columns(text);
        } catch (final IllegalArgumentException e) {
            throw f.error(field, "is not a SQL expression: " + e.getMessage());
        }
        return text.strip();
    }

    /** The columns a reach's expressions name, for checking them against the input's columns. */
    public static Set<String> columnsNamed(final Reach r) {
        final Set<String> out = new TreeSet<>();
        if (r.date() != null) {
            out.addAll(SqlExpressions.columns(r.date()));
        }
        out.addAll(r.untilColumns());
        return out;
    }
}

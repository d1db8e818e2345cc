package io.kamwarehouse.spec;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;

import io.kamwarehouse.runtime.WarehouseConfig;

import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL of a gold spec: {@code ${var}} substitution from the spec's {@code vars} (overridden by
 * Spark conf {@value #VAR_CONF_PREFIX}{@code <name>}) and the built-in vars, and the tables a query
 * names, so a spec cannot read a table it does not declare.
 */
public final class SqlText {

    /** Spark conf prefix that overrides a spec var at run time: {@code --conf kamw.var.min_responses=50}. */
    public static final String VAR_CONF_PREFIX = "kamw.var.";
    /** The reporting currency as a quoted SQL string: {@code 'CNY'}. */
    public static final String REPORTING_CURRENCY = "reporting_currency";
    /** The run's as-of date as {@code yyyy-MM-dd}, for a date literal: {@code DATE'${as_of_date}'}. */
    public static final String AS_OF_DATE = "as_of_date";
    /**
     * In a table built by period, the first day of the earliest period the build replaces, as
     * {@code yyyy-MM-dd} ({@value #WHOLE_TABLE_FROM} when it builds the whole table): a query may
     * leave out input rows that can only reach earlier periods, e.g.
     * {@code WHERE month >= trunc(DATE'${periods_from}', 'YEAR')} where a year's rows need its
     * months. Only rows of the replaced periods are written either way, and the tests and
     * {@code kamw bench} compare such a build with the whole table.
     */
    public static final String PERIODS_FROM = "periods_from";
    /** The value of {@value #PERIODS_FROM} whenever a query is not run for a build by period. */
    public static final String WHOLE_TABLE_FROM = "0001-01-01";
    /** Vars every query may use without declaring them; their values are decided once per run. */
    public static final Set<String> BUILT_IN = Set.of(REPORTING_CURRENCY, AS_OF_DATE, PERIODS_FROM);

    /**
     * The values of the built-in vars for a build. The as-of date is asked for only when a text
     * uses it (deciding it may read the warehouse's metadata, or fail when there is none).
     */
    public record BuiltIns(String reportingCurrency, Supplier<LocalDate> asOfDate) {

        /**
         * Stand-in values for checking or analysing a spec's SQL without a run (when specs load, and
         * when a table's columns are worked out over empty inputs): the default currency, a fixed date.
         */
        public static final BuiltIns CHECKING = new BuiltIns(WarehouseConfig.DEFAULT_REPORTING_CURRENCY,
                () -> LocalDate.of(2000, 1, 1));
    }

    private static final Pattern VAR = Pattern.compile("\\$\\{([a-z_][a-z0-9_]*)}");

    private SqlText() {
    }

    /** The var names a text uses. */
    public static Set<String> varsUsed(final String text) {
        final Set<String> out = new TreeSet<>();
        final Matcher m = VAR.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Replaces every {@code ${name}} with its value; an unknown name is an error. */
    public static String substitute(final String text, final Map<String, String> values) {
        final Matcher m = VAR.matcher(text);
        final StringBuilder sb = new StringBuilder();
        while (m.find()) {
            final String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("${" + m.group(1) + "} is not a var of this spec (vars: "
                        + String.join(", ", new TreeSet<>(values.keySet())) + ")");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * Vars with their run-time values: spec defaults, overridden by Spark conf, and the built-in vars
     * the given texts use.
     */
    public static Map<String, String> resolve(final Map<String, String> defaults, final Map<String, String> conf,
            final BuiltIns builtIns, final String... texts) {
        final Map<String, String> out = new LinkedHashMap<>(defaults);
        for (final String name : defaults.keySet()) {
            final String v = conf.get(VAR_CONF_PREFIX + name);
            if (v != null) {
                out.put(name, v);
            }
        }
        final Set<String> used = new TreeSet<>();
        for (final String t : texts) {
            used.addAll(varsUsed(t));
        }
        if (used.contains(REPORTING_CURRENCY)) {
            out.put(REPORTING_CURRENCY, "'" + builtIns.reportingCurrency().replace("'", "") + "'");
        }
        if (used.contains(AS_OF_DATE)) {
            out.put(AS_OF_DATE, builtIns.asOfDate().get().toString());
        }
        if (used.contains(PERIODS_FROM)) {
            out.put(PERIODS_FROM, WHOLE_TABLE_FROM);
        }
        return out;
    }

    /**
     * The tables a query reads (lower case), leaving out the names its WITH clauses define; throws
     * {@link IllegalArgumentException} with the parser's first line when it is not valid SQL.
     */
    public static Set<String> tablesRead(final String sql) {
        final LogicalPlan plan;
        try {
            plan = CatalystSqlParser$.MODULE$.parsePlan(sql);
        } catch (final Exception ex) {
            final String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            throw new IllegalArgumentException(m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(m), ex);
        }
        final Set<String> read = new TreeSet<>();
        final Set<String> ctes = new HashSet<>();
        collect(plan, read, ctes);
        read.removeAll(ctes);
        return read;
    }

    private static void collect(final LogicalPlan p, final Set<String> read, final Set<String> ctes) {
        if (p instanceof UnresolvedRelation r) {
            read.add(r.tableName().toLowerCase(Locale.ROOT));
        }
        if (p instanceof UnresolvedWith w) {
            for (final scala.Product3<String, ?, ?> cte : CollectionConverters.asJava(w.cteRelations())) {
                ctes.add(cte._1().toLowerCase(Locale.ROOT));
                if (cte._2() instanceof LogicalPlan cp) {
                    collect(cp, read, ctes);
                }
            }
        }
        for (final LogicalPlan child : CollectionConverters.asJava(p.children())) {
            collect(child, read, ctes);
        }
        // Subqueries in expressions (IN (SELECT ...), EXISTS, scalar subqueries).
        p.expressions().foreach(e -> {
            e.foreach(x -> {
                if (x instanceof org.apache.spark.sql.catalyst.expressions.SubqueryExpression s) {
                    collect(s.plan(), read, ctes);
                }
                return null;
            });
            return null;
        });
    }
}

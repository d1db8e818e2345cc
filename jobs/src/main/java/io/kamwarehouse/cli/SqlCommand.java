package io.kamwarehouse.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.runtime.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kamw sql "<query>"}: query the warehouse's tables by name. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run a Spark SQL query against the warehouse's tables by name and print the result.",
            "Example: kamw sql \"select entity, rule, count(*) from quarantine group by 1, 2\""})
final class SqlCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "QUERY", description = "The SQL query (quote it).")
    String query;

    @Option(names = "--csv", description = "Print CSV with a header line instead of an aligned table: every row unless --limit "
            + "is given; NULL is an empty field, an empty string \"\".")
    boolean csv;

    @Option(names = "--json", description = "Print one JSON object per row (JSON lines): every row unless --limit is given.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows are printed (0 = all; default: "
            + TABLE_LIMIT + " in the aligned table, all with --csv or --json). Saying so when rows are left out.")
    Integer limit;

    /** Rows the aligned table shows when no --limit is given. */
    static final int TABLE_LIMIT = 1000;

    @Override
    public Integer call() {
        if (csv && json) {
            throw new KamwException("--csv and --json both given; choose one");
        }
        if (limit != null && limit < 0) {
            throw new KamwException("--limit " + limit + " is negative; give 0 for all rows or a positive number");
        }
        final int max = limit != null ? limit : csv || json ? 0 : TABLE_LIMIT;
        final RunContext ctx = main.context();
        ctx.warehouse().registerViewsFor(query);
        final Dataset<Row> result;
        try {
            result = ctx.warehouse().spark().sql(query);
        } catch (final Exception e) {
            if (!(e instanceof AnalysisException)) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            final String hint = e.getMessage().contains("TABLE_OR_VIEW_NOT_FOUND")
                    ? "\ntables present: " + String.join(", ", ctx.warehouse().listTables()) : "";
            throw new KamwException("query failed: " + sqlError(e.getMessage()) + hint, e);
        }
        final List<Row> rows;
        try {
            rows = max > 0 ? result.limit(max + 1).collectAsList() : result.collectAsList();
        } catch (final RuntimeException e) {
            // an error of the query's own data (a division by zero, a failed cast): the user's to fix, exit 2
            final Throwable spark = sparkError(e);
            if (spark == null) {
                throw e;
            }
            throw new KamwException("query failed while running: " + sqlError(spark.getMessage()), e);
        }
        final int shown = max > 0 ? Math.min(rows.size(), max) : rows.size();
        final boolean more = max > 0 && rows.size() > max;
        final StructType schema = result.schema();
        if (json) {
            for (int i = 0; i < shown; i++) {
                System.out.println(Cells.jsonLine(rows.get(i), schema));
            }
        } else {
            final TablePrinter t = new TablePrinter(Arrays.asList(result.columns()));
            for (int i = 0; i < shown; i++) {
                final Row r = rows.get(i);
                final List<String> cells = new ArrayList<>();
                for (int c = 0; c < r.length(); c++) {
                    cells.add(Cells.text(r.isNullAt(c) ? null : r.get(c), schema.fields()[c].dataType()));
                }
                t.addNullable(cells);
            }
            t.print(System.out, csv);
        }
        if (!csv && !json) {
            System.out.println("(" + shown + " row" + (shown == 1 ? "" : "s")
                    + (more ? "; more not shown: --limit N for more, --limit 0 for all" : "") + ")");
        } else if (more) {
            System.err.println("kamw: " + shown + " rows printed; more not shown (--limit " + max + "; --limit 0 for all)");
        }
        return 0;
    }

    /**
     * A Spark SQL error for a person: the error class and message, then where it is (line and
     * column, the query's line with a caret under the place), without the plans some messages carry.
     */
    static String sqlError(final String message) {
        if (message == null) {
            return "(no message)";
        }
        final List<String> out = new ArrayList<>();
        boolean inSql = false;
        for (final String line : message.strip().split("\n")) {
            final String l = line.stripTrailing();
            if (l.startsWith("== SQL")) {
                inSql = true;
                final String where = l.replace("== SQL", "").replace("==", "").replace("position", "column").strip();
                out.add(where.isEmpty() ? "in the query:" : "at " + where + ":");
                continue;
            }
            if (inSql && l.isBlank()) {
                break;
            }
            if (!inSql && (l.startsWith("'") || l.startsWith("+-") || l.startsWith(":") || l.startsWith("   "))) {
                continue; // a logical plan
            }
            if (!l.isBlank()) {
                out.add(inSql ? "  " + l : l);
            }
            if (out.size() >= 12) {
                break;
            }
        }
        return String.join("\n", out);
    }

    /** The Spark error (an error class of Spark's) behind a failure, or null when there is none. */
    private static Throwable sparkError(final Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.spark.SparkThrowable st && st.getCondition() != null) {
                return t;
            }
        }
        return null;
    }

    private static String firstLine(final String s) {
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

package io.kamwarehouse.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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

    @Option(names = "--csv", description = "Print CSV with a header line instead of an aligned table.")
    boolean csv;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows are printed (default: ${DEFAULT-VALUE}; 0 = all).")
    int limit = 1000;

    @Override
    public Integer call() {
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
                    ? " (tables present: " + String.join(", ", ctx.warehouse().listTables()) + ")" : "";
            throw new KamwException("query failed: " + firstLine(e.getMessage()) + hint, e);
        }
        final List<Row> rows = limit > 0 ? result.limit(limit + 1).collectAsList() : result.collectAsList();
        final TablePrinter t = new TablePrinter(Arrays.asList(result.columns()));
        final int shown = limit > 0 ? Math.min(rows.size(), limit) : rows.size();
        for (int i = 0; i < shown; i++) {
            final Row r = rows.get(i);
            final List<Object> cells = new ArrayList<>();
            for (int c = 0; c < r.length(); c++) {
                cells.add(r.isNullAt(c) ? null : r.get(c));
            }
            t.add(cells);
        }
        t.print(System.out, csv);
        if (!csv) {
            System.out.println("(" + shown + " row" + (shown == 1 ? "" : "s")
                    + (limit > 0 && rows.size() > limit ? "; more not shown, use --limit" : "") + ")");
        }
        return 0;
    }

    private static String firstLine(final String s) {
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

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
        description = {"Run Spark SQL against the warehouse's tables by name and print the results: a query, a file of "
                + "statements, standard input, or an interactive shell that keeps one Spark session for many queries. "
                + "Tables are in a catalog, one namespace per layer (show tables, describe, describe history, "
                + "version as of, table_changes by name); statements that would change a table are refused.",
            "Example: kamw sql \"select entity, rule, count(*) from quarantine group by 1, 2\""})
final class SqlCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "QUERY", arity = "0..1", description = "The SQL to run (quote it): one statement, or several "
            + "separated by ';'. '-' reads them from standard input; without QUERY or -f, an interactive shell starts "
            + "(standard input a terminal) or standard input is read.")
    String query;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements of FILE ('-': standard input) "
            + "in order, stopping at the first that fails.")
    String file;

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
    public Integer call() throws java.io.IOException {
        if (csv && json) {
            throw new KamwException("--csv and --json both given; choose one");
        }
        if (limit != null && limit < 0) {
            throw new KamwException("--limit " + limit + " is negative; give 0 for all rows or a positive number");
        }
        if (file != null && query != null) {
            throw new KamwException("both a query and -f " + file + " given; give one");
        }
        final String script = file == null ? null : readScript(file);
        final boolean shell = file == null && query == null && System.console() != null;
        final String text = file != null ? script : "-".equals(query) || query == null && !shell
                ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8) : query;
        final List<Statements.Statement> statements = shell ? List.of() : Statements.split(text);
        if (!shell && statements.isEmpty()) {
            throw new KamwException("no statement given" + (file != null ? " in " + file : query == null || "-".equals(query)
                    ? " on standard input" : "") + ": give a query, -f FILE, - for standard input, or nothing for the shell");
        }
        final RunContext ctx = main.context();
        // a session of its own, whose current catalog is the warehouse's (the process's first stays as it was)
        final scala.Option<org.apache.spark.sql.SparkSession> active = org.apache.spark.sql.SparkSession.getActiveSession();
        final org.apache.spark.sql.SparkSession before = active.isDefined() ? active.get() : null;
        session = io.kamwarehouse.runtime.SparkSessions.childOf(ctx.warehouse().spark());
        org.apache.spark.sql.SparkSession.setActiveSession(session);
        try {
            io.kamwarehouse.runtime.WarehouseCatalog.use(session, ctx.warehouse().root());
            return shell ? new SqlShell(this, ctx).run() : runAll(ctx, statements);
        } finally {
            if (before != null) {
                org.apache.spark.sql.SparkSession.setActiveSession(before);
            } else {
                org.apache.spark.sql.SparkSession.clearActiveSession();
            }
        }
    }

    /** The session statements run in: the warehouse's catalog is its current one. */
    private org.apache.spark.sql.SparkSession session;

    private int runAll(final RunContext ctx, final List<Statements.Statement> statements) {
        for (int i = 0; i < statements.size(); i++) {
            final Statements.Statement st = statements.get(i);
            if (i > 0 && !csv && !json) {
                System.out.println();
            }
            try {
                run(ctx, st.text());
            } catch (final KamwException e) {
                if (statements.size() == 1) {
                    throw e;
                }
                // the statements after a failed one are not run, as spark-sql -f and psql -v ON_ERROR_STOP do
                throw new KamwException("statement " + (i + 1) + " of " + statements.size() + " (line " + st.line() + ") "
                        + e.getMessage() + (i + 1 < statements.size() ? "\n(the " + (statements.size() - i - 1)
                        + " statement(s) after it were not run)" : ""), e);
            }
        }
        return 0;
    }

    private static String readScript(final String file) {
        try {
            return "-".equals(file) ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : java.nio.file.Files.readString(java.nio.file.Path.of(file));
        } catch (final java.nio.file.NoSuchFileException e) {
            throw new KamwException("-f " + file + ": no such file");
        } catch (final java.io.IOException e) {
            throw new KamwException("-f " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    /** Rows printed of a result: --limit, else all for machines and {@link #TABLE_LIMIT} in the table. */
    int max() {
        return limit != null ? limit : csv || json ? 0 : TABLE_LIMIT;
    }

    /** Runs one statement and prints its result; an error of the statement is a {@link KamwException}. */
    void run(final RunContext ctx, final String sql) {
        final int max = max();
        final Dataset<Row> result;
        try {
            refuseChanges(session, sql);
            result = session.sql(sql);
        } catch (final Exception e) {
            // Spark's and Delta's errors of the query (analysis, or a command such as table_changes
            // past the latest version) are the user's to fix: exit 2; an internal error stays unexpected
            final Throwable readOnly = io.kamwarehouse.runtime.WarehouseCatalog.readOnlyError(e);
            if (readOnly != null) {
                throw new KamwException(readOnly.getMessage(), e);
            }
            if (!(e instanceof AnalysisException) && !userError(e)) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            final String hint = e.getMessage().contains("TABLE_OR_VIEW_NOT_FOUND")
                    ? "\ntables present: " + String.join(", ", ctx.warehouse().listTables()) : "";
            throw new KamwException("query failed: " + sqlError(e.getMessage()) + hint, e);
        }
        final List<Row> rows;
        try {
            rows = new ArrayList<>(max > 0 ? result.limit(max + 1).collectAsList() : result.collectAsList());
        } catch (final RuntimeException e) {
            // an error of the query's own data (a division by zero, a failed cast): the user's to fix, exit 2
            final Throwable spark = sparkError(e);
            if (spark == null) {
                throw e;
            }
            throw new KamwException("query failed while running: " + sqlError(spark.getMessage()), e);
        }
        final List<Row> described = withSpecComments(sql, rows, result.schema());
        if (described != rows) {
            rows.clear();
            rows.addAll(described);
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

    /** Commands that only read or show: everything else that is a command would change something. */
    private static final java.util.Set<String> READING_COMMANDS = java.util.Set.of("ShowTables", "ShowTablesExtended",
            "ShowNamespaces", "ShowViews", "ShowColumns", "ShowTableProperties", "ShowCreateTable", "ShowFunctions",
            "ShowPartitions", "ShowCatalogsCommand", "ShowCurrentNamespaceCommand", "DescribeRelation", "DescribeColumn",
            "DescribeNamespace", "DescribeFunction", "DescribeQueryCommand", "DescribeDeltaHistory", "DescribeDeltaDetailCommand",
            "ExplainCommand", "SetCatalogAndNamespace", "SetCatalogCommand", "SetNamespaceCommand", "SetCommand",
            "ResetCommand", "ShowTableExtended", "ShowCatalogs");

    /**
     * {@code kamw sql} reads: a statement that would write or alter a table (insert, delete,
     * update, merge, optimize, vacuum, restore, create, drop...) is refused before it runs, since
     * the tables are written by their builds, which record their runs and keep their checks.
     */
    static void refuseChanges(final org.apache.spark.sql.SparkSession spark, final String sql) {
        final org.apache.spark.sql.catalyst.plans.logical.LogicalPlan plan;
        try {
            plan = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().sqlParser().parsePlan(sql);
        } catch (final Exception e) {
            return; // Spark reports the error itself when the query runs
        }
        final String kind = plan.getClass().getSimpleName();
        final boolean writes = plan instanceof org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement
                || plan instanceof org.apache.spark.sql.catalyst.plans.logical.Command && !READING_COMMANDS.contains(kind);
        if (writes) {
            throw new KamwException("kamw sql only reads the warehouse; this statement (" + kind + ") would change it. "
                    + "Tables are written by their builds (kamw run TABLE, kamw pipeline), which record the run and check the rows");
        }
    }

    /** {@code describe [table] [extended] NAME}: the described table's name, else null. */
    private static final java.util.regex.Pattern DESCRIBE = java.util.regex.Pattern.compile(
            "(?is)\\s*(?:describe|desc)\\s+(?:table\\s+)?(?:extended\\s+|formatted\\s+)?(?!history\\b|detail\\b|query\\b|database\\b|"
            + "schema\\b|namespace\\b|catalog\\b|function\\b)([`\\w.]+)\\s*;?\\s*");

    static String describedTable(final String sql) {
        final java.util.regex.Matcher m = DESCRIBE.matcher(sql);
        if (!m.matches()) {
            return null;
        }
        final String name = m.group(1).replace("`", "");
        return name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A {@code describe} of a warehouse table with the column descriptions of its spec in the
     * comment column, where the table itself carries none; other results as they are.
     */
    private List<Row> withSpecComments(final String sql, final List<Row> rows, final StructType schema) {
        final String table = describedTable(sql);
        final List<String> names = Arrays.asList(schema.fieldNames());
        final int colName = names.indexOf("col_name");
        final int comment = names.indexOf("comment");
        if (table == null || colName < 0 || comment < 0) {
            return rows;
        }
        final java.util.Map<String, String> columns;
        try {
            columns = io.kamwarehouse.spec.TableSpecCatalog.load(io.kamwarehouse.SchemaFiles.load(main.config().schemasDir()),
                    main.contracts()).find(table).map(io.kamwarehouse.spec.TableSpec::columns).orElse(java.util.Map.of());
        } catch (final RuntimeException e) {
            return rows; // specs that cannot be read leave the comments as the table has them
        }
        final List<Row> out = new ArrayList<>();
        for (final Row r : rows) {
            final Object col = r.get(colName);
            final String text = col == null ? null : columns.get(col.toString());
            if (text == null || !r.isNullAt(comment) && !r.getString(comment).isEmpty()) {
                out.add(r);
                continue;
            }
            final Object[] values = new Object[r.length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = i == comment ? text.strip().replaceAll("\\s+", " ") : r.get(i);
            }
            out.add(org.apache.spark.sql.RowFactory.create(values));
        }
        return out;
    }

    /** An error Spark or Delta names with an error class of the user's making (not an internal error). */
    private static boolean userError(final Throwable e) {
        final Throwable spark = sparkError(e);
        if (spark == null) {
            return false;
        }
        final String condition = ((org.apache.spark.SparkThrowable) spark).getCondition();
        return !condition.startsWith("INTERNAL_ERROR");
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

}

package io.kamwarehouse.bench;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.ingest.LandingFile;
import io.kamwarehouse.ingest.WorkbookCsv;
import io.kamwarehouse.runtime.WarehouseConfig;

/**
 * What the pipeline is compared with, on the same raw files in the same process: a plain Spark copy of
 * each extract into Delta (no checks, no transformation: the floor of any Spark pipeline), DuckDB copying
 * the same files to Parquet with the same number of threads, and one scorecard-style aggregation over
 * activities and deals written once in SQL that both engines run unchanged.
 *
 * <p>Both engines read the extracts the same way: CSV and JSON Lines as text columns (no type inference
 * for CSV, no casting), Parquet as it is. Neither reads Excel workbooks, so each first writes a
 * workbook's sheet as a CSV ({@link WorkbookCsv}, the sheet found as ingest finds it) and reads that;
 * the time it takes counts as the engine's.
 */
final class Baselines {

    /**
     * Monthly activity and won-deal roll-up per team: the shape of the scorecard's heaviest step (every
     * activity and every deal scanned, grouped per employee and month, then per team). The same text
     * runs on Spark SQL and DuckDB; the copies hold text, so values are cast where they are used.
     */
    static final String AGGREGATE_SQL = """
            WITH act AS (
              SELECT employee_id, substr(activity_date, 1, 7) AS month, count(*) AS activities,
                     count(DISTINCT account_id) AS accounts_touched,
                     sum(TRY_CAST(duration_minutes AS INTEGER)) AS minutes
              FROM activities
              WHERE employee_id IS NOT NULL AND activity_date IS NOT NULL
              GROUP BY employee_id, substr(activity_date, 1, 7)),
            won AS (
              SELECT OwnerId AS employee_id, substr(CloseDate, 1, 7) AS month, count(*) AS deals_won,
                     sum(TRY_CAST(Amount AS DECIMAL(18,2))) AS won_amount
              FROM opportunities
              WHERE IsWon = 'true' AND OwnerId IS NOT NULL AND CloseDate IS NOT NULL
              GROUP BY OwnerId, substr(CloseDate, 1, 7)),
            per_employee AS (
              SELECT coalesce(a.employee_id, w.employee_id) AS employee_id, coalesce(a.month, w.month) AS month,
                     coalesce(a.activities, 0) AS activities, coalesce(a.accounts_touched, 0) AS accounts_touched,
                     coalesce(a.minutes, 0) AS minutes, coalesce(w.deals_won, 0) AS deals_won,
                     coalesce(w.won_amount, 0) AS won_amount
              FROM act a FULL OUTER JOIN won w ON a.employee_id = w.employee_id AND a.month = w.month),
            staff AS (
              SELECT employee_id, max(team_id) AS team_id FROM employees GROUP BY employee_id)
            SELECT coalesce(s.team_id, 'unknown') AS team_id, p.month, count(*) AS members,
                   sum(p.activities) AS activities, sum(p.accounts_touched) AS accounts_touched,
                   sum(p.minutes) AS minutes, sum(p.deals_won) AS deals_won, sum(p.won_amount) AS won_amount,
                   max(p.activities) AS most_activities
            FROM per_employee p LEFT JOIN staff s ON s.employee_id = p.employee_id
            GROUP BY coalesce(s.team_id, 'unknown'), p.month""";

    /** The entities the aggregation reads (as views of the copies). */
    static final List<String> AGGREGATE_INPUTS = List.of("activities", "opportunities", "employees");

    /** Rows and a fingerprint of an aggregation result, to show both engines computed the same thing. */
    record Fingerprint(long rows, long activities, long dealsWon, BigDecimal wonAmount) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d rows, %,d activities, %,d deals won, %s won", rows, activities, dealsWon,
                    wonAmount.toPlainString());
        }
    }

    private static final String FINGERPRINT_SQL =
            "SELECT count(*), sum(activities), sum(deals_won), CAST(sum(won_amount) AS DECIMAL(38,2)) FROM %s";

    private Baselines() {
    }

    /** Local file paths of a batch (the copies read the landing folder directly). */
    static List<String> localFiles(final Landing.Batch batch) {
        return batch.files().stream().map(LandingFile::path)
                .map(p -> p.startsWith("file:") ? WarehouseConfig.localPath(p).toString() : p).toList();
    }

    // ---------------------------------------------------------------- Spark

    /** Copies one batch's files into a Delta table at {@code target}; returns the rows written. */
    static long sparkCopy(final SparkSession spark, final Landing.Batch batch, final Path target) {
        final Contract c = batch.contract();
        List<String> files = localFiles(batch);
        final boolean workbooks = isWorkbooks(c, files);
        if (workbooks) {
            files = asCsv(c, files, target.resolveSibling("_csv"));
        }
        final String[] paths = files.toArray(new String[0]);
        final Dataset<Row> df = switch (c.format()) {
            case CSV -> spark.read().format("csv").option("header", String.valueOf(workbooks || c.header()))
                    .option("sep", delimiter(c, workbooks)).option("quote", "\"")
                    .option("escape", "\"").option("multiLine", String.valueOf(workbooks || c.multiline()))
                    .option("encoding", workbooks ? "UTF-8" : c.encoding()).load(paths);
            case JSONL -> spark.read().option("primitivesAsString", "true").json(paths);
            case PARQUET -> spark.read().parquet(paths);
        };
        // Delta refuses some characters in column names (extract headers such as "Unit Price" have them).
        df.toDF(java.util.Arrays.stream(df.columns()).map(n -> n.replaceAll("[ ,;{}()\\n\\t=]", "_")).toArray(String[]::new))
                .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(target.toString());
        return spark.read().format("delta").load(target.toString()).count();
    }

    /**
     * The field separator both engines read a csv batch with: a workbook's sheet is written as a plain UTF-8 CSV with a
     * header ({@link io.kamwarehouse.ingest.WorkbookCsv}), other files are read as their contract says.
     */
    static String delimiter(final Contract c, final boolean workbooks) {
        return workbooks ? "," : c.whitespaceDelimited() ? " " : c.delimiter();
    }

    /** True where a csv contract's batch is Excel workbooks (a batch's files share one format). */
    static boolean isWorkbooks(final Contract c, final List<String> files) {
        return c.format() == Contract.Format.CSV && !files.isEmpty() && files.stream().allMatch(Contract::isExcel);
    }

    /** Each workbook's sheet as a UTF-8 CSV in {@code dir}; returns the CSV paths. */
    static List<String> asCsv(final Contract c, final List<String> workbooks, final Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (final java.io.IOException e) {
            throw new KamwException("cannot create " + dir + ": " + e.getMessage());
        }
        final List<String> out = new java.util.ArrayList<>();
        for (final String w : workbooks) {
            final Path csv = dir.resolve(Path.of(w).getFileName() + ".csv");
            WorkbookCsv.write(Path.of(w), c, csv);
            out.add(csv.toString());
        }
        return out;
    }

    /** Runs {@link #AGGREGATE_SQL} over the Spark copies and writes the result as Delta. */
    static void sparkAggregate(final SparkSession spark, final Path copies, final Path target) {
        for (final String entity : AGGREGATE_INPUTS) {
            spark.read().format("delta").load(copies.resolve(entity).toString()).createOrReplaceTempView(entity);
        }
        spark.sql(AGGREGATE_SQL).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .save(target.toString());
    }

    static Fingerprint sparkFingerprint(final SparkSession spark, final Path result) {
        spark.read().format("delta").load(result.toString()).createOrReplaceTempView("bench_aggregate");
        final Row r = spark.sql(String.format(FINGERPRINT_SQL, "bench_aggregate")).first();
        return new Fingerprint(r.getLong(0), r.isNullAt(1) ? 0 : ((Number) r.get(1)).longValue(),
                r.isNullAt(2) ? 0 : ((Number) r.get(2)).longValue(), r.isNullAt(3) ? BigDecimal.ZERO : r.getDecimal(3));
    }

    // ---------------------------------------------------------------- DuckDB

    /** An in-memory DuckDB with {@code threads} threads; a clear error where DuckDB is not on the classpath. */
    static Connection duckdb(final int threads) {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (final ClassNotFoundException e) {
            throw new KamwException("DuckDB is not on the classpath: it is a benchmark-only dependency, present when kamw runs "
                    + "through bin/kamw, absent from the application jar; run the benchmark with bin/kamw, or pass --no-duckdb");
        }
        try {
            final Connection c = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = c.createStatement()) {
                s.execute("SET threads = " + threads);
            }
            return c;
        } catch (final SQLException e) {
            throw new KamwException("DuckDB could not start: " + e.getMessage());
        }
    }

    /** Copies one batch's files to a Parquet file at {@code target}; returns the rows written. */
    static long duckdbCopy(final Connection db, final Landing.Batch batch, final Path target) throws SQLException {
        final Contract c = batch.contract();
        List<String> paths = localFiles(batch);
        final boolean workbooks = isWorkbooks(c, paths);
        if (workbooks) {
            paths = asCsv(c, paths, target.resolveSibling("_csv"));
        } else if (c.format() == Contract.Format.CSV && !isUtf8(c.encoding())) {
            // DuckDB reads UTF-8 (and UTF-16, Latin-1) only; other encodings (GBK extracts) are transcoded
            // first, and the time that takes counts as DuckDB's.
            paths = transcoded(paths, c.encoding(), target.resolveSibling("_utf8"));
        }
        final String files = paths.stream().map(Baselines::quote).collect(Collectors.joining(", ", "[", "]"));
        final String read = switch (c.format()) {
            case CSV -> "read_csv(" + files + ", header = " + (workbooks || c.header()) + ", delim = " + quote(delimiter(c, workbooks))
                    + ", quote = '\"', escape = '\"', all_varchar = true)";
            case JSONL -> "read_json_auto(" + files + ", format = 'newline_delimited')";
            case PARQUET -> "read_parquet(" + files + ")";
        };
        try (Statement s = db.createStatement()) {
            s.execute("COPY (SELECT * FROM " + read + ") TO " + quote(target.toString()) + " (FORMAT parquet)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + quote(target.toString()) + ")")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean isUtf8(final String encoding) {
        return encoding == null || encoding.isBlank() || "utf-8".equalsIgnoreCase(encoding) || "utf8".equalsIgnoreCase(encoding);
    }

    private static List<String> transcoded(final List<String> paths, final String encoding, final Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            final java.nio.charset.Charset from = java.nio.charset.Charset.forName(encoding);
            final List<String> out = new java.util.ArrayList<>();
            for (final String p : paths) {
                final Path to = dir.resolve(Path.of(p).getFileName());
                // A lenient decoder, as a plain copy would use: a malformed byte becomes U+FFFD, not an error.
                try (java.io.Reader r = new java.io.InputStreamReader(java.nio.file.Files.newInputStream(Path.of(p)), from);
                     java.io.Writer w = java.nio.file.Files.newBufferedWriter(to, java.nio.charset.StandardCharsets.UTF_8)) {
                    r.transferTo(w);
                }
                out.add(to.toString());
            }
            return out;
        } catch (final java.io.IOException | IllegalArgumentException e) {
            throw new KamwException("cannot transcode " + paths + " from " + encoding + " for DuckDB: " + e.getMessage());
        }
    }

    /** Runs {@link #AGGREGATE_SQL} over the DuckDB copies and writes the result as Parquet. */
    static void duckdbAggregate(final Connection db, final Path copies, final Path target) throws SQLException {
        try (Statement s = db.createStatement()) {
            for (final String entity : AGGREGATE_INPUTS) {
                s.execute("CREATE OR REPLACE VIEW " + entity + " AS SELECT * FROM read_parquet("
                        + quote(copies.resolve(entity + ".parquet").toString()) + ")");
            }
            s.execute("COPY (" + AGGREGATE_SQL + ") TO " + quote(target.toString()) + " (FORMAT parquet)");
        }
    }

    static Fingerprint duckdbFingerprint(final Connection db, final Path result) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery(String.format(FINGERPRINT_SQL, "read_parquet(" + quote(result.toString()) + ")"))) {
            rs.next();
            final BigDecimal won = rs.getBigDecimal(4);
            return new Fingerprint(rs.getLong(1), rs.getLong(2), rs.getLong(3), won == null ? BigDecimal.ZERO : won);
        }
    }

    private static String quote(final String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}

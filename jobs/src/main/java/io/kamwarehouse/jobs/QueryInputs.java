package io.kamwarehouse.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;
import io.kamwarehouse.spec.SqlText;
import io.kamwarehouse.spec.TableSpec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a SQL-driven gold job reads: its inputs registered as views under their names at pinned
 * Delta versions, its query with vars substituted, and a fingerprint of both, recorded in the
 * table's commit so an unchanged rerun writes nothing.
 */
final class QueryInputs {

    /** Delta commit user metadata prefix that carries the fingerprint of what a gold table was built from. */
    static final String FINGERPRINT_PREFIX = "kamw-inputs:";

    final JobInputs inputs;
    final String sql;
    /** The query with {@code ${periods_from}} left to fill, or null when it does not use it. */
    private final String byPeriod;
    final String fingerprint;
    /** A fingerprint of the query with every var but the as-of date substituted: what changes only with the logic. */
    final String logic;
    /** The as-of date the query was given, or null when it does not use one. */
    final String asOf;

    private QueryInputs(final JobInputs inputs, final String sql, final String fingerprint, final String logic, final String asOf,
            final String byPeriod) {
        this.inputs = inputs;
        this.sql = sql;
        this.byPeriod = byPeriod;
        this.fingerprint = fingerprint;
        this.logic = logic;
        this.asOf = asOf;
    }

    /**
     * A skipped result when an input of the spec does not exist yet (nothing to build from), or
     * null when all do.
     */
    static JobResult skipWhenInputMissing(final Warehouse wh, final TableSpec spec) {
        final JobInputs inputs = new JobInputs(wh, spec);
        return spec.inputs().stream().filter(in -> !inputs.exists(in)).findFirst()
                .map(in -> new JobResult(spec.name(), io.kamwarehouse.metadata.RunRecord.SKIPPED, 0, 0, wh.version(spec.name()),
                        Map.of(), "input " + in + " has not been built yet: nothing to build from"))
                .orElse(null);
    }

    /** Pins and registers every input; substitutes the vars; computes the fingerprint. */
    static QueryInputs prepare(final Warehouse wh, final TableSpec spec, final String query, final Map<String, String> vars,
            final String logicVersion) {
        final SparkSession spark = wh.spark();
        final JobInputs inputs = new JobInputs(wh, spec);
        // pinned now; registered as views when a query first runs (a build skipped as unchanged reads nothing)
        spec.inputs().forEach(inputs::version);
        final Map<String, String> conf = CollectionConverters.asJava(spark.conf().getAll());
        final SqlText.BuiltIns builtIns = builtIns(wh);
        final Map<String, String> values = SqlText.resolve(vars, conf, builtIns, query);
        final String sql = SqlText.substitute(query, values);
        // a build by period substitutes the first period it replaces; every other use (the fingerprint included)
        // sees the whole table's value
        final Map<String, String> open = new java.util.LinkedHashMap<>(values);
        open.computeIfPresent(SqlText.PERIODS_FROM, (k, v) -> "${" + SqlText.PERIODS_FROM + "}");
        final String byPeriod = open.containsKey(SqlText.PERIODS_FROM) ? SqlText.substitute(query, open) : null;
        // the substituted query holds every var's value, the built-in as-of date and currency too, so
        // a new as-of date or currency changes the fingerprint and rebuilds the table
        final String fp = sha(logicVersion + "\n" + sql + "\n" + new TreeMap<>(inputs.versions()));
        final boolean usesAsOf = SqlText.varsUsed(query).contains(SqlText.AS_OF_DATE);
        final String logic = sha(logicVersion + "\n" + SqlText.substitute(query, SqlText.resolve(vars, conf,
                new SqlText.BuiltIns(builtIns.reportingCurrency(), () -> AS_OF_STAND_IN), query)));
        return new QueryInputs(inputs, sql, fp, logic, usesAsOf ? values.get(SqlText.AS_OF_DATE) : null, byPeriod);
    }

    /** The as-of date written into the logic fingerprint in place of the run's (which has a reach of its own). */
    private static final java.time.LocalDate AS_OF_STAND_IN = java.time.LocalDate.of(1, 1, 1);

    /** What this build was made from, to record in its commit. */
    BuildStamp stamp() {
        return new BuildStamp(fingerprint, logic, asOf, inputs.versions());
    }

    /** The built-in vars of a build in this warehouse: the reporting currency and the run's as-of date. */
    static SqlText.BuiltIns builtIns(final Warehouse wh) {
        return new SqlText.BuiltIns(WarehouseConfig.reportingCurrency(wh.spark()), () -> AsOfDate.of(wh));
    }

    /**
     * A fingerprint of something other than a query (e.g. the scoring plan files a job read), for
     * jobs that reuse the same skip-when-unchanged rule.
     */
    static QueryInputs forFingerprint(final JobInputs inputs, final String text) {
        final String fp = sha(text);
        return new QueryInputs(inputs, null, fp, null, null, null);
    }

    /** True when the table was last written from exactly these inputs and this query. */
    boolean unchangedSinceLastBuild(final Warehouse wh, final String table) {
        final BuildStamp last = lastStamp(wh, table);
        return last != null && fingerprint.equals(last.fingerprint());
    }

    /**
     * What the table's current version was built from, or null when nothing says: the stamp of a
     * later check that found no change reaching a period ({@link #recordChecked}), else its latest
     * commit's.
     */
    static BuildStamp lastStamp(final Warehouse wh, final String table) {
        final Warehouse.Commit last = wh.lastCommit(table);
        if (last == null) {
            return null;
        }
        final BuildStamp checked = checkedStamp(wh, table, last.version());
        return checked != null ? checked : BuildStamp.parse(FINGERPRINT_PREFIX, last.userMetadata());
    }

    /**
     * File beside the table's log (Delta ignores and never vacuums names starting with {@code _})
     * holding the stamp of the last check that found the table current at a version.
     */
    static final String CHECKED_FILE = "_kamw_checked.json";

    /**
     * Records that the table's current version is what a build from these inputs would give
     * (their changes since its stamp reach none of its periods), without a commit: a commit would
     * be a new version, and every table reading this one would then see a change. The next build
     * reads the inputs' changes from these versions on instead of again from the older ones, and
     * a rerun with nothing new skips at once. Only valid while the table stays at that version.
     */
    void recordChecked(final Warehouse wh, final String table) {
        final Warehouse.Commit last = wh.lastCommit(table);
        if (last == null || logic == null) {
            return;
        }
        final com.fasterxml.jackson.databind.node.ObjectNode o = SideFiles.objectAt(last.version());
        o.put("stamp", stamp().text(FINGERPRINT_PREFIX));
        // only a saving: without the record the next build reads the same changes again
        SideFiles.write(wh, table, CHECKED_FILE, o);
    }

    /** The stamp of the last check of the table at {@code version}, or null when there is none for it. */
    private static BuildStamp checkedStamp(final Warehouse wh, final String table, final long version) {
        final com.fasterxml.jackson.databind.JsonNode n = SideFiles.readAt(wh, table, CHECKED_FILE, version);
        if (n == null) {
            return null;
        }
        return BuildStamp.parse(FINGERPRINT_PREFIX, n.path("stamp").asText(null));
    }

    /** Runs a write with this build's stamp (fingerprint, logic, as-of date, input versions) as the commit's user metadata. */
    void withFingerprint(final SparkSession spark, final Runnable write) {
        BuildStamp.committing(spark, logic == null ? FINGERPRINT_PREFIX + fingerprint : stamp().text(FINGERPRINT_PREFIX), () -> {
            write.run();
            return null;
        });
    }

    /**
     * Rows in the inputs at their pinned versions: from the checksum file Delta wrote with each
     * version (no Spark job), else counted alone (Delta answers a plain count of a table version
     * from its file statistics; a union of the inputs would scan them all).
     */
    long rowsRead() {
        long n = 0;
        for (final String in : inputs.versions().keySet()) {
            n += inputs.rows(in);
        }
        return n;
    }

    Dataset<Row> query(final SparkSession spark) {
        registerInputs();
        return spark.sql(sql);
    }

    private boolean registered;

    /** Registers every input under its name at its pinned version, once. */
    private synchronized void registerInputs() {
        if (!registered) {
            for (final String in : inputs.versions().keySet()) {
                inputs.read(in).createOrReplaceTempView(in);
            }
            registered = true;
        }
    }

    /** True when the query uses {@code ${periods_from}}: a build by period runs it with its first period. */
    boolean usesPeriodsFrom() {
        return byPeriod != null;
    }

    /** The query as a build by period runs it: {@code ${periods_from}} is the first day of its earliest period. */
    Dataset<Row> query(final SparkSession spark, final java.time.LocalDate periodsFrom) {
        registerInputs();
        return byPeriod == null ? query(spark)
                : spark.sql(byPeriod.replace("${" + SqlText.PERIODS_FROM + "}", periodsFrom.toString()));
    }

    /** Rows the table's last commit wrote (from Delta's operation metrics, read from the log); -1 when unknown. */
    static long lastOutputRows(final Warehouse wh, final String table) {
        final Warehouse.Commit last = wh.lastCommit(table);
        if (last == null) {
            return -1;
        }
        final Map<String, String> m = last.operationMetrics();
        long n = 0;
        boolean any = false;
        for (final String k : new String[] {"numOutputRows", "numTargetRowsInserted", "numTargetRowsUpdated"}) {
            if (m.get(k) != null) {
                n += Long.parseLong(m.get(k));
                any = true;
            }
        }
        return any ? n : -1;
    }

    static String sha(final String text) {
        try {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

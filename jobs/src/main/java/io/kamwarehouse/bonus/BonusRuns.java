package io.kamwarehouse.bonus;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.delta.tables.DeltaTable;
import io.kamwarehouse.KamwException;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Bonus runs: the close of a pay period, recorded in the meta table {@code bonus_runs} with the
 * Delta version of fct_bonus, fct_bonus_reconciliation and every table they were computed from,
 * the plan versions and hashes, the totals, who closed it and when. A run's rows are never
 * changed except to mark it superseded when its period is reopened (the new run and the mark are
 * one Delta commit). {@link #lines} reads a run's reconciliation back by time travel at the
 * recorded version, so a closed run shows the same numbers whatever arrived since.
 */
public final class BonusRuns {

    /** The meta table of bonus runs. */
    public static final String TABLE = "bonus_runs";
    static final String BONUS = "fct_bonus";
    static final String RECONCILIATION = "fct_bonus_reconciliation";
    public static final String CLOSED = "closed";
    public static final String SUPERSEDED = "superseded";
    private static final DataType MONEY = DataTypes.createDecimalType(18, 2);

    static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("run_id", DataTypes.StringType, false),
        DataTypes.createStructField("pay_period", DataTypes.StringType, false),
        DataTypes.createStructField("pay_period_start", DataTypes.DateType, false),
        DataTypes.createStructField("status", DataTypes.StringType, false),
        DataTypes.createStructField("closed_by", DataTypes.StringType, false),
        DataTypes.createStructField("closed_at", DataTypes.TimestampType, false),
        DataTypes.createStructField("reopen_reason", DataTypes.StringType, true),
        DataTypes.createStructField("supersedes_run_id", DataTypes.StringType, true),
        DataTypes.createStructField("superseded_by_run_id", DataTypes.StringType, true),
        DataTypes.createStructField("superseded_at", DataTypes.TimestampType, true),
        DataTypes.createStructField("plan_versions", DataTypes.StringType, true),
        DataTypes.createStructField("plan_hashes", DataTypes.StringType, true),
        DataTypes.createStructField("as_of_date", DataTypes.DateType, true),
        DataTypes.createStructField("fct_bonus_version", DataTypes.LongType, false),
        DataTypes.createStructField("reconciliation_version", DataTypes.LongType, false),
        DataTypes.createStructField("input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false),
        DataTypes.createStructField("computed_total", MONEY, false),
        DataTypes.createStructField("paid_total", MONEY, false),
        DataTypes.createStructField("difference_total", MONEY, false),
        DataTypes.createStructField("lines", DataTypes.LongType, false),
        DataTypes.createStructField("employees", DataTypes.LongType, false),
        DataTypes.createStructField("status_counts", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false),
    });

    /** One recorded run. */
    public record Run(String runId, String payPeriod, String status, String closedBy, Timestamp closedAt, String reopenReason,
            String supersedesRunId, String supersededByRunId, String planVersions, String planHashes, Date asOfDate,
            long bonusVersion, long reconciliationVersion, Map<String, Long> inputVersions, BigDecimal computedTotal,
            BigDecimal paidTotal, BigDecimal differenceTotal, long lines, long employees, Map<String, Long> statusCounts) {

        static Run of(final Row r) {
            return new Run(r.getAs("run_id"), r.getAs("pay_period"), r.getAs("status"), r.getAs("closed_by"), r.getAs("closed_at"),
                    r.getAs("reopen_reason"), r.getAs("supersedes_run_id"), r.getAs("superseded_by_run_id"), r.getAs("plan_versions"),
                    r.getAs("plan_hashes"), r.getAs("as_of_date"), r.<Long>getAs("fct_bonus_version"),
                    r.<Long>getAs("reconciliation_version"), new TreeMap<>(r.<String, Long>getJavaMap(r.fieldIndex("input_versions"))),
                    r.getAs("computed_total"), r.getAs("paid_total"), r.getAs("difference_total"), r.<Long>getAs("lines"),
                    r.<Long>getAs("employees"), new TreeMap<>(r.<String, Long>getJavaMap(r.fieldIndex("status_counts"))));
        }
    }

    private final RunContext ctx;
    private final Warehouse wh;

    public BonusRuns(final RunContext ctx) {
        this.ctx = ctx;
        this.wh = ctx.warehouse();
    }

    /** Every run, oldest first. */
    public List<Run> all() {
        if (!wh.exists(TABLE)) {
            return List.of();
        }
        final List<Run> out = new ArrayList<>();
        for (final Row r : wh.read(TABLE).orderBy("closed_at", "run_id").collectAsList()) {
            out.add(Run.of(r));
        }
        return out;
    }

    /** A run by id; a clear error when there is none. */
    public Run get(final String runId) {
        return all().stream().filter(r -> r.runId().equals(runId)).findFirst()
                .orElseThrow(() -> new KamwException("no bonus run '" + runId + "'; 'kamw bonus runs' lists them"));
    }

    /** The run that currently closes a pay period, if any. */
    public Optional<Run> active(final PayPeriod period) {
        return all().stream().filter(r -> r.payPeriod().equals(period.toString()) && CLOSED.equals(r.status())).findFirst();
    }

    /**
     * Closes a pay period: builds fct_bonus and its reconciliation when their inputs changed (else
     * uses them as they are), then records the run. Refused when the period is already closed
     * (unless reopened with a reason), when the data does not cover the period yet, or when
     * nothing was computed or paid in it.
     */
    public Run close(final PayPeriod period, final String by, final boolean reopen, final String reason) {
        final Optional<Run> previous = admitted(period, reopen, reason);
        final Map<String, Long> inputs = build();
        final long bonusVersion = wh.version(BONUS);
        final long reconVersion = wh.version(RECONCILIATION);
        final Date asOfDate = coveredUpTo(period, bonusVersion);
        final Dataset<Row> lines = lines(period, reconVersion);
        final Row t = totals(period, lines);
        final Map<String, Long> statusCounts = new TreeMap<>();
        for (final Row r : lines.groupBy("status").count().collectAsList()) {
            statusCounts.put(r.getString(0), r.getLong(1));
        }
        final TreeSet<String> planVersions = new TreeSet<>();
        final TreeSet<String> planHashes = new TreeSet<>();
        for (final Row r : lines.select("plan_version", "plan_hash").distinct().collectAsList()) {
            if (!r.isNullAt(0)) {
                planVersions.add(r.getString(0));
            }
            if (!r.isNullAt(1)) {
                planHashes.add(r.getString(1));
            }
        }
        final Map<String, Long> versions = new TreeMap<>(inputs);
        versions.put(BONUS, bonusVersion);
        versions.put(RECONCILIATION, reconVersion);
        final String runId = "BR-" + RunContext.newRunId();
        final Timestamp now = Timestamp.from(Instant.now());
        final Row row = RowFactory.create(runId, period.toString(), Date.valueOf(period.start()), CLOSED, by, now,
                reopen ? reason.trim() : null, previous.map(Run::runId).orElse(null), null, null,
                planVersions.isEmpty() ? null : String.join(", ", planVersions),
                planHashes.isEmpty() ? null : String.join(", ", planHashes), asOfDate, bonusVersion, reconVersion,
                CollectionConverters.asScala(versions), money(t.getDecimal(0)), money(t.getDecimal(1)), money(t.getDecimal(2)),
                t.getLong(3), t.getLong(4), CollectionConverters.asScala(statusCounts));
        write(row, previous, runId, now);
        io.kamwarehouse.runtime.Faults.point(wh.spark(), "bonus-close");
        return get(runId);
    }

    /**
     * What a close of {@code period} would do, checked as {@link #close} checks it on the bonus
     * tables as they stand now, without building them or writing anything: the same refusals, else
     * the period's lines and totals. A close first rebuilds the tables when their inputs changed, so
     * its totals can differ from these.
     */
    public String preview(final PayPeriod period, final boolean reopen, final String reason) {
        final Optional<Run> previous = admitted(period, reopen, reason);
        final String what = (previous.isPresent() ? "would reopen pay period " + period + " (run " + previous.get().runId()
                + " marked superseded) and close it" : "would close pay period " + period);
        if (!wh.exists(BONUS) || !wh.exists(RECONCILIATION)) {
            return what + ": " + BONUS + " and " + RECONCILIATION + " are not built yet; the close builds them first, then checks "
                    + "that the data covers the period and that it holds bonus or payroll lines";
        }
        final long bonusVersion = wh.version(BONUS);
        final long reconVersion = wh.version(RECONCILIATION);
        final Date asOfDate = coveredUpTo(period, bonusVersion);
        final Row t = totals(period, lines(period, reconVersion));
        return String.format(java.util.Locale.ROOT, "%s: %,d lines for %,d employees, computed %s, paid %s, difference %s, as %s v%d "
                + "and %s v%d stand now (data up to %s; the close first rebuilds them if their inputs changed)", what, t.getLong(3),
                t.getLong(4), money(t.getDecimal(0)).toPlainString(), money(t.getDecimal(1)).toPlainString(),
                money(t.getDecimal(2)).toPlainString(), BONUS, bonusVersion, RECONCILIATION, reconVersion, asOfDate);
    }

    /** The arguments and the period's state admit a close: the run it supersedes, if reopened; else a clear refusal. */
    private Optional<Run> admitted(final PayPeriod period, final boolean reopen, final String reason) {
        if (reopen && (reason == null || reason.isBlank())) {
            throw new KamwException("--reopen needs --reason \"why the closed period is computed again\" (it is recorded with the run)");
        }
        if (!reopen && reason != null) {
            throw new KamwException("--reason goes with --reopen (a first close needs no reason)");
        }
        final Optional<Run> previous = active(period);
        if (previous.isPresent() && !reopen) {
            final Run p = previous.get();
            throw new KamwException("pay period " + period + " is already closed by run " + p.runId() + " (" + p.closedBy() + ", "
                    + p.closedAt() + ": computed " + p.computedTotal() + ", paid " + p.paidTotal()
                    + "); a closed period is not closed again: to recompute it, run kamw bonus close --period " + period
                    + " --reopen --reason \"...\"");
        }
        if (previous.isEmpty() && reopen) {
            throw new KamwException("pay period " + period + " is not closed, so there is nothing to reopen; close it without --reopen");
        }
        return previous;
    }

    /** The date fct_bonus's data covers; refused when the period ends after it. */
    private Date coveredUpTo(final PayPeriod period, final long bonusVersion) {
        final Row asOf = wh.readVersion(BONUS, bonusVersion).agg(functions.max("as_of_date")).first();
        final Date asOfDate = asOf.isNullAt(0) ? null : asOf.getDate(0);
        if (asOfDate != null && period.end().isAfter(asOfDate.toLocalDate())) {
            throw new KamwException("pay period " + period + " ends on " + period.end() + ", after the date the data covers ("
                    + asOfDate + "): its payroll is not complete yet; close it once the data reaches its end");
        }
        return asOfDate;
    }

    private Dataset<Row> lines(final PayPeriod period, final long reconVersion) {
        return wh.readVersion(RECONCILIATION, reconVersion).filter(functions.col("pay_period").equalTo(period.toString()));
    }

    /** Computed, paid, difference, lines and employees of the period; refused when it has no line. */
    private static Row totals(final PayPeriod period, final Dataset<Row> lines) {
        final Row t = lines.agg(functions.coalesce(functions.sum("computed_amount"), functions.lit(BigDecimal.ZERO)),
                functions.coalesce(functions.sum("paid_amount"), functions.lit(BigDecimal.ZERO)),
                functions.coalesce(functions.sum("difference_amount"), functions.lit(BigDecimal.ZERO)),
                functions.count(functions.lit(1)), functions.countDistinct("employee_id")).first();
        if (t.getLong(3) == 0) {
            throw new KamwException("nothing to close in pay period " + period + ": no computed bonus payment and no payroll line in it");
        }
        return t;
    }

    private static BigDecimal money(final BigDecimal v) {
        return v.setScale(2, java.math.RoundingMode.UNNECESSARY);
    }

    /** Appends the run; when it supersedes a run, marks that one in the same commit. */
    private void write(final Row run, final Optional<Run> superseded, final String runId, final Timestamp now) {
        final Dataset<Row> fresh = wh.spark().createDataFrame(List.of(run), SCHEMA);
        if (superseded.isEmpty() && wh.exclusive()) {
            fresh.coalesce(1).write().format("delta").mode(SaveMode.Append).save(wh.tablePath(TABLE));
            return;
        }
        if (superseded.isEmpty()) {
            // without the lease another close of the period may be running: the run is inserted only where the period has
            // no closed run (never appended: see Warehouse.insertWhereMissing)
            final long inserted = wh.insertWhereMissing(TABLE, fresh, "t.pay_period = s.pay_period AND t.status = '" + CLOSED + "'",
                    ctx.progress()::say);
            if (inserted == 0) {
                throw new KamwException("pay period " + run.getString(1) + " was closed by another close that ran at the same time; "
                        + "see kamw bonus runs");
            }
            return;
        }
        // staged rows: the new run never matches (null key); the superseded run matches its own row
        final Dataset<Row> old = wh.read(TABLE).filter(functions.col("run_id").equalTo(superseded.get().runId()));
        final Dataset<Row> staged = fresh.withColumn("merge_key", functions.lit(null).cast("string"))
                .unionByName(old.withColumn("merge_key", functions.col("run_id")));
        final Map<String, String> insert = new LinkedHashMap<>();
        for (final String c : SCHEMA.fieldNames()) {
            insert.put(c, "s." + c);
        }
        DeltaTable.forPath(wh.spark(), wh.tablePath(TABLE)).as("t")
                .merge(staged.as("s"), "t.run_id = s.merge_key")
                .whenMatched().updateExpr(Map.of("status", "'" + SUPERSEDED + "'", "superseded_by_run_id", "'" + runId + "'",
                        "superseded_at", "CAST('" + now + "' AS TIMESTAMP)"))
                .whenNotMatched().insertExpr(insert)
                .execute();
    }

    /** Builds fct_bonus and fct_bonus_reconciliation (when their inputs changed) and returns every input version they read. */
    private Map<String, Long> build() {
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        final List<TableSpec> order = List.of(specs.get(BONUS), specs.get(RECONCILIATION));
        final Map<String, Long> inputs = new TreeMap<>();
        for (final TableRunner.Built b : new TableRunner(ctx).build(order, JobOptions.INCREMENTAL)) {
            final boolean upToDate = b.status() == RunStatus.SKIPPED && b.message().contains("unchanged");
            if (b.status() != RunStatus.SUCCEEDED && !upToDate) {
                throw new KamwException("cannot close: " + b.table() + " " + TableRunner.describe(b) + hint(specs.get(b.table()), specs),
                        KamwException.EXIT_FAILED, null);
            }
            inputs.putAll(b.job().inputVersions());
        }
        return inputs;
    }

    /**
     * What to do about a bonus table that was not built, from what its spec reads: an input whose
     * source never delivered (no payroll ledger loaded yet) needs the extract, not another pipeline;
     * an input not built yet needs a pipeline; with every input there the failure speaks for itself.
     */
    private String hint(final TableSpec spec, final TableSpecCatalog specs) {
        final List<String> missing = spec.dependencies().stream().filter(t -> !wh.exists(t)).toList();
        for (final String input : missing) {
            final List<String> reads = specs.find(input).map(TableSpec::inputs).orElse(List.of(input));
            for (final String raw : reads) {
                final Optional<io.kamwarehouse.contracts.Contract> c = ctx.contracts().byBronzeTable(raw);
                if (c.isPresent() && !wh.exists(raw)) {
                    final String source = c.get().source();
                    final String entity = c.get().entity();
                    return "; no " + source + " " + entity + " extract has been loaded yet (" + source + "/<drop>/"
                            + String.join(" or ", c.get().files()) + " in the landing folder)" + (entity.equals("bonus_payouts")
                                    ? ": a period is closed against what payroll paid, so payroll's ledger must arrive first" : "");
                }
            }
        }
        return missing.isEmpty() ? "" : "; run 'kamw pipeline' first";
    }

    /** The reconciliation lines of a run, read at the version it recorded. */
    public Dataset<Row> lines(final Run run) {
        return wh.readVersion(RECONCILIATION, run.reconciliationVersion())
                .filter(functions.col("pay_period").equalTo(run.payPeriod()))
                .orderBy("employee_id", "payout_type");
    }
}

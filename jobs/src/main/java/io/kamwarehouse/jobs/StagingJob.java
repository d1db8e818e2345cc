package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.row_number;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

import io.delta.tables.DeltaTable;
import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.ColumnType;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Lineage;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.StepTimer;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;
import io.kamwarehouse.spec.MoneyColumn;
import io.kamwarehouse.spec.StagingParams;
import io.kamwarehouse.spec.TableSpec;

/**
 * Builds {@code stg_<source>__<entity>} from {@code raw_<source>__<entity>}: the latest version of
 * each business key (by the spec's {@code latest_by}), percentages as fractions, amounts converted
 * to the reporting currency ({@link WarehouseConfig#reportingCurrency(SparkSession)}), bronze
 * lineage kept and {@code _updated_at} set when a row changes.
 *
 * <p>Incremental: only bronze batches not yet merged (see {@link MergedBatches}) are read,
 * reduced to the latest version per key and compared with the table; only keys that are new, or
 * whose incoming version is newer and differs ({@code _row_hash}), go into one Delta MERGE. When
 * nothing would change there is no MERGE and no new table version. New FX batches re-convert the
 * rows whose amounts had no rate. The table is rebuilt from all of bronze on request, on first
 * build, and when the contract columns, the staging parameters or the reporting currency changed.
 */
public final class StagingJob implements TableJob {

    /** Part of the fingerprint: bump when the job's output for the same input changes. */
    static final String LOGIC_VERSION = "staging-2";

    /** Prefix of the stamp in a commit's user metadata: the fingerprint and the bronze and FX versions read. */
    static final String STAMP_PREFIX = "kamw-staging:";
    private static final String REPAIR = "_fx_repair";
    private static final String IS_NEW = "_is_new";
    private final StepTimer timer = new StepTimer();

    @Override
    public JobResult run(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        timer.reset();
        final StagingParams params = spec.staging();
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final String qualified = StagingParams.contractOf(spec.name());
        final Contract contract = ctx.contracts().get(qualified);
        final String bronze = contract.bronzeTable();
        final JobInputs inputs = new JobInputs(wh, spec);
        if (!inputs.exists(bronze)) {
            return result(spec, RunRecord.SKIPPED, 0, 0, wh, inputs, bronze + " does not exist yet: nothing to stage");
        }
        final String reporting = WarehouseConfig.reportingCurrency(spark);
        final String fingerprint = fingerprint(contract, params, reporting);
        // the versions this build reads: with the fingerprint, they stamp each commit it makes
        final Map<String, Long> reads = new TreeMap<>();
        reads.put(bronze, inputs.version(bronze));
        if (!params.money().isEmpty() && inputs.exists(StagingParams.FX_RATES_TABLE)) {
            reads.put(StagingParams.FX_RATES_TABLE, inputs.version(StagingParams.FX_RATES_TABLE));
        }
        final BuildStamp stamp = new BuildStamp(fingerprint, null, null, reads);
        timer.lap("exists+fingerprint");
        if (!options.rebuild()) {
            // nothing can be new when the table's last commit read these very versions: no bronze or ledger scan
            final Warehouse.Commit last = wh.lastCommit(spec.name());
            final BuildStamp before = last == null ? null : BuildStamp.parse(STAMP_PREFIX, last.userMetadata());
            if (before != null && before.fingerprint().equals(fingerprint) && before.inputs().equals(reads)) {
                return result(spec, RunRecord.SKIPPED, 0, 0, wh, inputs, "no new batch in " + bronze + " since the last merge ("
                        + bronze + " still at v" + reads.get(bronze) + ")");
            }
        }
        return BuildStamp.committing(spark, stamp.text(STAMP_PREFIX), () -> stage(ctx, spec, options, contract, inputs, fingerprint,
                reporting));
    }

    private JobResult stage(final RunContext ctx, final TableSpec spec, final JobOptions options, final Contract contract,
            final JobInputs inputs, final String fingerprint, final String reporting) {
        final StagingParams params = spec.staging();
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final String bronze = contract.bronzeTable();
        final Dataset<Row> bronzeAll = inputs.read(bronze);
        final Map<String, Long> batches = batchRows(bronzeAll);
        timer.lap("bronze batches");
        final boolean converts = !params.money().isEmpty();
        final List<Row> fxRows = converts && inputs.exists(StagingParams.FX_RATES_TABLE)
                ? FxConversion.collect(inputs.read(StagingParams.FX_RATES_TABLE)) : List.of();
        final Map<String, Long> fxBatches = new TreeMap<>();
        fxRows.forEach(r -> fxBatches.merge(r.getString(6), 1L, Long::sum));
        timer.lap("fx batches");
        final MergedBatches ledger = new MergedBatches(wh);
        final Map<String, Set<String>> merged = ledger.merged(spec.name(), fingerprint);
        timer.lap("ledger read");
        final boolean exists = wh.exists(spec.name());
        final Timestamp now = Timestamp.from(Instant.now());
        final Plan plan = new Plan(spec, contract, params, reporting, now,
                converts ? FxConversion.of(spark, fxRows, reporting) : null,
                io.kamwarehouse.ingest.SchemaDrift.missing(wh, contract.qualifiedName()));

        if (exists && batches.isEmpty() && !options.rebuild()) {
            return result(spec, RunRecord.SKIPPED, 0, 0, wh, inputs, bronze + " has no rows yet");
        }
        final String rebuildReason = options.rebuild() ? "rebuild requested" : !exists ? "first build"
                : merged.isEmpty() ? "contract, staging parameters or reporting currency changed" : null;
        if (rebuildReason != null) {
            return rebuild(ctx, spec, plan, bronzeAll, batches, fxBatches, merged, ledger, fingerprint, inputs, rebuildReason);
        }

        final Map<String, Long> newBatches = without(batches, merged.get(bronze));
        final Map<String, Long> newFx = without(fxBatches, merged.get(StagingParams.FX_RATES_TABLE));
        if (newBatches.isEmpty() && newFx.isEmpty()) {
            return result(spec, RunRecord.SKIPPED, 0, 0, wh, inputs, "no new batch in " + bronze + " since the last merge");
        }
        final long rowsRead = newBatches.values().stream().mapToLong(Long::longValue).sum();
        Dataset<Row> incoming = null;
        if (!newBatches.isEmpty()) {
            incoming = plan.fromBronze(bronzeAll.where(col("_batch_id").isin(newBatches.keySet().toArray())));
        }
        final Dataset<Row> target = wh.read(spec.name());
        if (!newFx.isEmpty()) {
            // the new rates' first day: an amount dated on or after it may have been converted with an earlier day's rate
            java.time.LocalDate since = null;
            for (final Row r : fxRows) {
                if (newFx.containsKey(r.getString(6)) && !r.isNullAt(0)) {
                    final java.time.LocalDate d = r.getDate(0).toLocalDate();
                    since = since == null || d.isBefore(since) ? d : since;
                }
            }
            final Dataset<Row> repair = plan.needingRates(target, since);
            if (incoming == null && repair.isEmpty()) {
                // Rates arrive daily; when every amount already has one there is nothing to do.
                ledger.record(spec.name(), fingerprint, recorded(bronze, newBatches, newFx), wh.version(spec.name()));
                return result(spec, RunRecord.SKIPPED, 0, 0, wh, inputs, newFx.size()
                        + " new FX batch(es), but every amount already has a rate; no new batch in " + bronze);
            }
            incoming = incoming == null ? repair : incoming.unionByName(repair);
        }
        final Dataset<Row> source = plan.conform(plan.latest(incoming));
        final Dataset<Row> changes = plan.changes(source, target).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            // One global aggregation (no shuffle by key): how many keys are new, how many change.
            final Row counts = changes.agg(count(when(col(IS_NEW), lit(1))), count(when(not(col(IS_NEW)), lit(1)))).first();
            final long inserts = counts.getLong(0);
            final long updates = counts.getLong(1);
            timer.lap("changes");
            final String what = describe(newBatches, rowsRead, newFx);
            if (inserts + updates == 0) {
                ledger.record(spec.name(), fingerprint, recorded(bronze, newBatches, newFx), wh.version(spec.name()));
                if (newBatches.isEmpty()) {
                    // only amounts converted again, at the rates they already had
                    return result(spec, RunRecord.SKIPPED, 0, 0, wh, inputs, newFx.size() + " new FX batch(es), but every "
                            + "amount already has a rate and none converted again changed; no new batch in " + bronze);
                }
                return result(spec, RunRecord.SUCCEEDED, rowsRead, 0, wh, inputs,
                        what + ": nothing changed (identical or older versions), no new version");
            }
            final long written;
            if (updates == 0 && wh.exclusive()) {
                // Only new keys: a blind append is all a MERGE would do, at a fraction of the cost. Delta does not check a
                // blind append against other writers, so only a run holding the warehouse lease takes this way; without
                // it the MERGE fails on a concurrent commit and the step is built again from the table's new state.
                changes.select(plan.outputColumns()).write().format("delta").mode(SaveMode.Append)
                        .save(wh.tablePath(spec.name()));
                written = inserts;
                timer.lap("append");
            } else {
                final Row metrics = DeltaTable.forPath(spark, wh.tablePath(spec.name())).as("t")
                        .merge(changes.as("s"), plan.mergeCondition())
                        .whenMatched(plan.updateCondition()).updateExpr(plan.updates())
                        .whenNotMatched("NOT s." + REPAIR).insertExpr(plan.assignments())
                        .execute().first();
                timer.lap("merge");
                written = metric(metrics, "num_inserted_rows", inserts) + metric(metrics, "num_updated_rows", updates);
            }
            final long version = wh.version(spec.name());
            io.kamwarehouse.runtime.Faults.point(spark, "silver:" + spec.name());
            ledger.record(spec.name(), fingerprint, recorded(bronze, newBatches, newFx), version);
            timer.lap("ledger write");
            ctx.progress().say(spec.name() + ": " + what + " -> " + inserts + " inserted, " + updates + " updated (v"
                    + version + ")");
            return result(spec, RunRecord.SUCCEEDED, rowsRead, written, wh, inputs,
                    what + ": " + inserts + " inserted, " + updates + " updated");
        } finally {
            changes.unpersist();
        }
    }

    private JobResult rebuild(final RunContext ctx, final TableSpec spec, final Plan plan, final Dataset<Row> bronzeAll,
            final Map<String, Long> batches, final Map<String, Long> fxBatches, final Map<String, Set<String>> merged,
            final MergedBatches ledger, final String fingerprint, final JobInputs inputs, final String reason) {
        final Warehouse wh = ctx.warehouse();
        final Dataset<Row> out = plan.conform(plan.latest(plan.fromBronze(bronzeAll))).drop(REPAIR).drop(plan.keepColumns());
        final String path = wh.tablePath(spec.name());
        // Statistics only on the columns lookups filter on.
        final List<String> stats = new ArrayList<>(spec.keys());
        stats.addAll(List.of("_batch_id", "_drop_date", StagingParams.UPDATED_AT));
        wh.writeWithStatsOn(path, stats,
                create -> ctx.observeWrite(out).write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true").save(path));
        timer.lap("rebuild write");
        final long version = wh.version(spec.name());
        io.kamwarehouse.runtime.Faults.point(wh.spark(), "silver:" + spec.name());
        final long written = outputRows(wh, spec.name());
        timer.lap("history");
        final String bronze = plan.contract.bronzeTable();
        ledger.record(spec.name(), fingerprint, recorded(bronze, without(batches, merged.get(bronze)),
                without(fxBatches, merged.get(StagingParams.FX_RATES_TABLE))), version);
        final long read = batches.values().stream().mapToLong(Long::longValue).sum();
        ctx.progress().say(spec.name() + ": " + reason + ": " + String.format("%,d", written) + " rows from "
                + batches.size() + " batch(es) (v" + version + ")");
        return result(spec, RunRecord.SUCCEEDED, read, written, wh, inputs, reason + ": rebuilt from all "
                + batches.size() + " batch(es) of " + bronze + ", " + String.format("%,d", read) + " rows -> "
                + String.format("%,d", written) + " rows");
    }

    /** How one staging table is computed: the spec, its contract and the settings of this run. */
    private static final class Plan {
        private final TableSpec spec;
        private final Contract contract;
        private final StagingParams params;
        private final String reporting;
        private final Timestamp now;
        private final FxConversion fx;
        private final List<String> output;
        /** Contract columns some batch lacked (its file had no such column), to the batches that lacked them. */
        private final Map<String, Set<String>> lacking = new TreeMap<>();

        Plan(final TableSpec spec, final Contract contract, final StagingParams params, final String reporting,
                final Timestamp now, final FxConversion fx, final Map<String, Set<String>> missingByBatch) {
            this.spec = spec;
            this.contract = contract;
            this.params = params;
            this.reporting = reporting;
            this.now = now;
            this.fx = fx;
            this.output = params.outputColumns(contract);
            missingByBatch.forEach((batch, cols) -> cols.stream().filter(c -> contract.column(c).isPresent() && output.contains(c)
                    && !spec.keys().contains(c)).forEach(c -> lacking.computeIfAbsent(c, x -> new java.util.TreeSet<>()).add(batch)));
        }

        /** Column saying whether a row's batch had the lacked column number {@code i}. */
        private static String has(final int i) {
            return "_has_col_" + i;
        }

        /** Column saying that a row still has no value known for lacked column number {@code i}: the table's own is kept. */
        private static String keep(final int i) {
            return "_keep_col_" + i;
        }

        /** The keep columns a row carries until the merge (dropped before a write that is not a merge). */
        String[] keepColumns() {
            final String[] out = new String[lacking.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = keep(i);
            }
            return out;
        }

        /** Marks which rows came from a batch that had each lacked column. */
        private Dataset<Row> withHas(final Dataset<Row> df, final boolean all) {
            Dataset<Row> out = df;
            int i = 0;
            for (final Map.Entry<String, Set<String>> e : lacking.entrySet()) {
                out = out.withColumn(has(i++), all ? lit(true) : not(col(Lineage.BATCH_ID).isin(e.getValue().toArray())));
            }
            return out;
        }

        /**
         * Contract columns and bronze lineage, percentages as fractions, not a repair. A contract
         * column bronze has never received (added to the contract after the last load) is null.
         */
        Dataset<Row> fromBronze(final Dataset<Row> bronze) {
            final Set<String> present = new HashSet<>(List.of(bronze.columns()));
            final List<Column> cols = new ArrayList<>();
            for (final ContractColumn c : contract.columns()) {
                cols.add(present.contains(c.name()) ? col(q(c.name()))
                        : lit(null).cast(c.type().sparkType()).as(c.name()));
            }
            Lineage.COLUMNS.forEach(c -> cols.add(col(q(c))));
            Dataset<Row> df = bronze.select(cols.toArray(new Column[0]));
            for (final String p : params.percentToFraction()) {
                final ContractColumn c = contract.column(p).orElseThrow();
                df = df.withColumn(p, col(q(p)).divide(lit(100)).cast(fractionType(c.type())));
            }
            return withHas(df, false).withColumn(REPAIR, lit(false));
        }

        /**
         * Rows of the table to convert again when new rates arrive: those whose amounts found no
         * rate, and those dated on or after {@code since} (the first day the new rates give; null
         * for none) in another currency than the reporting one, which took the latest earlier rate
         * known then (an amount dated after the last rate takes the last one, so an open deal's
         * amount follows the rates as they arrive, as a rebuild from all of bronze would convert it).
         */
        Dataset<Row> needingRates(final Dataset<Row> target, final java.time.LocalDate since) {
            Column missing = lit(false);
            for (final MoneyColumn m : params.money()) {
                missing = missing.or(col(q(m.amount())).isNotNull().and(col(q(m.output())).isNull()));
                if (since != null) {
                    missing = missing.or(col(q(m.amount())).isNotNull()
                            .and(expr(m.currency()).cast(DataTypes.StringType).notEqual(lit(reporting)))
                            .and(expr(m.date()).cast(DataTypes.DateType).geq(lit(java.sql.Date.valueOf(since)))));
                }
            }
            return withHas(target.where(missing).select(baseColumns()), true).withColumn(REPAIR, lit(true));
        }

        private Column[] baseColumns() {
            final List<Column> cols = new ArrayList<>();
            contract.columns().forEach(c -> cols.add(col(q(c.name()))));
            Lineage.COLUMNS.forEach(c -> cols.add(col(q(c))));
            return cols.toArray(new Column[0]);
        }

        /** One row per business key: the latest by latest_by (nulls oldest); a repair wins a tie. */
        Dataset<Row> latest(final Dataset<Row> df) {
            final List<Column> order = new ArrayList<>();
            params.latestBy().forEach(c -> order.add(col(q(c)).desc_nulls_last()));
            order.add(col(REPAIR).desc());
            order.add(col("_row_hash").asc());
            final Column[] keys = spec.keys().stream().map(k -> col(q(k))).toArray(Column[]::new);
            final Column[] by = order.toArray(new Column[0]);
            Dataset<Row> ranked = df.withColumn("_rn", row_number().over(Window.partitionBy(keys).orderBy(by)));
            // A row from a batch that lacked a column takes that column's value from the latest row that had it;
            // with none among these rows, the table's own value is kept (see assignments).
            int i = 0;
            for (final String c : lacking.keySet()) {
                final Column known = org.apache.spark.sql.functions.first(when(col(has(i)), org.apache.spark.sql.functions.struct(
                        col(q(c)).as("v"))), true).over(Window.partitionBy(keys).orderBy(by)
                        .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing()));
                ranked = ranked.withColumn("_known", known)
                        .withColumn(keep(i), not(col(has(i))).and(col("_known").isNull()))
                        .withColumn(c, when(col(has(i)), col(q(c))).otherwise(col("_known").getField("v")))
                        .drop("_known", has(i));
                i++;
            }
            return ranked.where(col("_rn").equalTo(1)).drop("_rn");
        }

        /** Converted amounts, {@code _updated_at}, and the silver column order (plus the repair flag). */
        Dataset<Row> conform(final Dataset<Row> df) {
            Dataset<Row> out = df;
            if (!params.money().isEmpty()) {
                out = fx.apply(out, params.money());
            }
            out = out.withColumn(StagingParams.UPDATED_AT, lit(now));
            final List<Column> cols = new ArrayList<>();
            output.forEach(c -> cols.add(col(q(c))));
            cols.add(col(REPAIR));
            for (final String k : keepColumns()) {
                cols.add(col(k));
            }
            return out.select(cols.toArray(new Column[0]));
        }

        /** Source rows that would insert or update, with {@code _is_new}. */
        Dataset<Row> changes(final Dataset<Row> source, final Dataset<Row> target) {
            final Set<String> needed = new java.util.LinkedHashSet<>(spec.keys());
            needed.addAll(params.latestBy());
            needed.add("_row_hash");
            params.money().forEach(m -> needed.add(m.output()));
            final Dataset<Row> t = target.select(needed.stream().map(c -> col(q(c))).toArray(Column[]::new)).as("t");
            final Dataset<Row> joined = source.as("s").join(t, expr(mergeCondition()), "left");
            final Column isNew = col("t._row_hash").isNull();
            return joined.where(isNew.and(col("s." + REPAIR).unary_$bang()).or(isNew.unary_$bang().and(expr(updateCondition()))))
                    .select(col("s.*"), isNew.as(IS_NEW));
        }

        String mergeCondition() {
            return spec.keys().stream().map(k -> "t." + q(k) + " <=> s." + q(k)).collect(Collectors.joining(" AND "));
        }

        /**
         * A repair updates when a converted amount differs; a bronze row updates when its content
         * differs and it is newer by latest_by (nulls oldest).
         */
        String updateCondition() {
            String newer = "FALSE";
            final List<String> by = params.latestBy();
            for (int i = by.size() - 1; i >= 0; i--) {
                final String s = "s." + q(by.get(i));
                final String t = "t." + q(by.get(i));
                newer = "((" + s + " IS NOT NULL AND (" + t + " IS NULL OR " + s + " > " + t + ")) OR (" + s + " <=> " + t
                        + " AND " + newer + "))";
            }
            String repairDiffers = "FALSE";
            if (!params.money().isEmpty()) {
                repairDiffers = "NOT (" + params.money().stream().map(m -> "t." + q(m.output()) + " <=> s." + q(m.output()))
                        .collect(Collectors.joining(" AND ")) + ")";
            }
            return "(s." + REPAIR + " AND " + repairDiffers + ") OR (NOT s." + REPAIR + " AND s._row_hash <> t._row_hash AND "
                    + newer + ")";
        }

        Column[] outputColumns() {
            return output.stream().map(c -> col(q(c))).toArray(Column[]::new);
        }

        /** Every output column from the incoming row: what a new key inserts. */
        Map<String, String> assignments() {
            final Map<String, String> set = new LinkedHashMap<>();
            output.forEach(c -> set.put(q(c), "s." + q(c)));
            return set;
        }

        /** As {@link #assignments}, but a column whose batch lacked it and no incoming row knew keeps the table's value. */
        Map<String, String> updates() {
            final Map<String, String> set = assignments();
            int i = 0;
            for (final String c : lacking.keySet()) {
                set.put(q(c), "CASE WHEN s." + keep(i++) + " THEN t." + q(c) + " ELSE s." + q(c) + " END");
            }
            return set;
        }
    }

    /** 0-100 as 0-1: two more decimal places, same integer room less two digits. */
    static DataType fractionType(final ColumnType type) {
        return switch (type.kind()) {
            case DECIMAL -> DataTypes.createDecimalType(Math.max(type.precision(), type.scale() + 3), type.scale() + 2);
            case INTEGER -> DataTypes.createDecimalType(12, 2);
            case LONG -> DataTypes.createDecimalType(21, 2);
            default -> throw new KamwException("percent_to_fraction applies to numbers, not " + type.sql());
        };
    }

    /** What the table's content depends on besides its input rows: contract columns and key, parameters, currency. */
    static String fingerprint(final Contract contract, final StagingParams params, final String reporting) {
        final StringBuilder sb = new StringBuilder(LOGIC_VERSION).append('|').append(contract.qualifiedName());
        contract.columns().forEach(c -> sb.append('|').append(c.name()).append(':').append(c.type().sql()));
        sb.append('|').append(contract.businessKey()).append('|').append(params).append('|').append(reporting);
        try {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(sb.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> batchRows(final Dataset<Row> df) {
        final Map<String, Long> out = new TreeMap<>();
        for (final Row r : df.groupBy("_batch_id").agg(count(lit(1))).collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    private static Map<String, Long> without(final Map<String, Long> batches, final Set<String> done) {
        final Map<String, Long> out = new TreeMap<>(batches);
        if (done != null) {
            out.keySet().removeAll(done);
        }
        return out;
    }

    private static Map<String, Map<String, Long>> recorded(final String bronze, final Map<String, Long> batches,
            final Map<String, Long> fx) {
        final Map<String, Map<String, Long>> out = new TreeMap<>();
        if (!batches.isEmpty()) {
            out.put(bronze, batches);
        }
        if (!fx.isEmpty()) {
            out.put(StagingParams.FX_RATES_TABLE, fx);
        }
        return out;
    }

    private static String describe(final Map<String, Long> batches, final long rows, final Map<String, Long> fx) {
        final List<String> parts = new ArrayList<>();
        if (!batches.isEmpty()) {
            parts.add(batches.size() + " new batch(es), " + String.format("%,d", rows) + " rows");
        }
        if (!fx.isEmpty()) {
            parts.add(fx.size() + " new FX batch(es): amounts without a rate re-converted");
        }
        return String.join("; ", parts);
    }

    private static long metric(final Row metrics, final String name, final long fallback) {
        final Set<String> fields = new HashSet<>(List.of(metrics.schema().fieldNames()));
        return fields.contains(name) && !metrics.isNullAt(metrics.fieldIndex(name)) ? metrics.getLong(metrics.fieldIndex(name))
                : fallback;
    }

    private static long outputRows(final Warehouse wh, final String table) {
        final Warehouse.Commit last = wh.lastCommit(table);
        return last == null ? -1 : last.metric("numOutputRows");
    }

    private static JobResult result(final TableSpec spec, final RunStatus status, final long read, final long written,
            final Warehouse wh, final JobInputs inputs, final String message) {
        return new JobResult(spec.name(), status, read, written, wh.version(spec.name()), inputs.versions(), message);
    }

    private static String q(final String column) {
        return "`" + column + "`";
    }
}

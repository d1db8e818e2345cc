package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

import io.delta.tables.DeltaTable;
import io.kamwarehouse.KamwException;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.Scd2Params;
import io.kamwarehouse.spec.TableSpec;

/**
 * Builds a slowly changing dimension of type 2 from its spec's source query (one row per business
 * key per version, with the version's start).
 *
 * <p>Consecutive versions of a key whose tracked columns are equal collapse into one; each kept
 * version is valid from its start to the next one's ({@code valid_to} null and {@code is_current}
 * true for the last). On later runs only source versions that start after the key's current row
 * count: the first of them closes the current row and all of them are inserted, in one MERGE with
 * staged updates (rows that close carry the business key as merge key, rows to insert carry
 * null, so they never match); a source change to the untracked columns of the current version is
 * written in place (type 1) by the same MERGE. Versions older than the current row are late and
 * ignored (counted in the message); a rebuild takes them in. Re-running with the same source
 * finds nothing to do and writes no version. After every write the job verifies that each key has
 * exactly one current row and that its versions neither overlap nor leave gaps.
 */
public final class Scd2Job implements TableJob {

    static final String LOGIC_VERSION = "scd2-1";
    private static final String ACTION = "_action";
    private static final String MK = "_mk_";
    private static final String SEED = "_seed";
    private static final String ATTR_HASH = "_attr_hash";

    @Override
    public JobResult run(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        final Scd2Params p = spec.params(Scd2Params.class);
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final JobResult missing = QueryInputs.skipWhenInputMissing(wh, spec);
        if (missing != null) {
            return missing;
        }
        final QueryInputs q = prepared(wh, spec);
        final boolean exists = wh.exists(spec.name());
        if (exists && !options.rebuild() && q.unchangedSinceLastBuild(wh, spec.name())) {
            return new JobResult(spec.name(), RunStatus.SKIPPED, 0, 0, wh.version(spec.name()), q.inputs.versions(),
                    "inputs and source query unchanged since the last build");
        }
        final Dataset<Row> source = normalise(p, q.query(spark), spec);
        final long read = q.rowsRead();
        final Timestamp now = Timestamp.from(Instant.now());
        final List<String> out = outputColumns(p, source);
        if (!exists || options.rebuild() || p.history() == Scd2Params.History.SOURCE) {
            final Dataset<Row> versions = versions(p, collapse(p, source, null), now).select(cols(out));
            q.withFingerprint(spark, () -> ctx.observeWrite(versions).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                    .save(wh.tablePath(spec.name())));
            final long current = verify(wh, spec, p);
            final long rows = QueryInputs.lastOutputRows(wh, spec.name());
            return new JobResult(spec.name(), RunStatus.SUCCEEDED, read, rows, wh.version(spec.name()), q.inputs.versions(),
                    String.format("%s: %,d versions of %,d keys", !exists ? "first build" : options.rebuild() ? "rebuilt"
                            : "recomputed from the source's whole history", rows,
                            current));
        }

        final Dataset<Row> current = wh.read(spec.name()).where(col(Scd2Params.IS_CURRENT));
        final Dataset<Row> cur = current.select(currentCols(p, current));
        final List<Column> keyEq = new ArrayList<>();
        for (final String k : p.businessKey()) {
            keyEq.add(source.col(k).eqNullSafe(cur.col("_ck_" + k)));
        }
        final Column on = keyEq.stream().reduce(Column::and).orElseThrow();
        // The source query is the whole input: joined once with the current rows and kept, so the late
        // count, the new versions, the in-place updates and the MERGE do not each recompute it.
        final Dataset<Row> joined = source.join(cur, on, "left").persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return merge(wh, spec, p, q, source, joined, current, out, read, now);
        } finally {
            joined.unpersist();
        }
    }

    /** The incremental write: new versions, closes and in-place updates in one MERGE. */
    private static JobResult merge(final Warehouse wh, final TableSpec spec, final Scd2Params p, final QueryInputs q,
            final Dataset<Row> source, final Dataset<Row> joined, final Dataset<Row> current, final List<String> out,
            final long read, final Timestamp now) {
        final SparkSession spark = wh.spark();
        // Versions that start after the key's current row (or keys not seen yet).
        final Dataset<Row> later = joined.where(col("_cur_from").isNull().or(col(Scd2Params.VALID_FROM).gt(col("_cur_from"))))
                .select(cols(sourceColumns(source)));
        final long late = late(p, source, wh.read(spec.name()), joined);
        final Dataset<Row> fresh = versions(p, collapse(p, later, current), now).cache();
        // Type 1: the source's newest version of a key starts with or after the current row, keeps its
        // tracked values, and changes other columns; keys that get a new version are closed instead.
        final WindowSpec byKeyDesc = Window.partitionBy(cols(p.businessKey())).orderBy(col(Scd2Params.VALID_FROM).desc());
        final Dataset<Row> newest = joined.where(col("_cur_from").isNotNull().and(col(Scd2Params.VALID_FROM).geq(col("_cur_from"))))
                .withColumn("_rn", row_number().over(byKeyDesc)).where(col("_rn").equalTo(1))
                .where(col(Scd2Params.VERSION_HASH).equalTo(col("_cur_hash")).and(col(ATTR_HASH).notEqual(col("_cur_attr"))));
        final Dataset<Row> freshKeys = fresh.select(p.businessKey().stream().map(k -> col(q(k)).as("_fk_" + k))
                .toArray(Column[]::new)).distinct();
        final Dataset<Row> type1 = newest.join(freshKeys, p.businessKey().stream()
                .map(k -> newest.col(k).eqNullSafe(freshKeys.col("_fk_" + k))).reduce(Column::and).orElseThrow(), "left_anti")
                .select(cols(sourceColumns(source))).cache();

        final long inserts = fresh.count();
        final long updates = type1.count();
        if (inserts == 0 && updates == 0) {
            fresh.unpersist();
            type1.unpersist();
            return new JobResult(spec.name(), RunStatus.SKIPPED, read, 0, wh.version(spec.name()), q.inputs.versions(),
                    "no new version and no change to a current row" + lateNote(late));
        }
        // Staged updates: close = the first new version of a key that has a current row.
        final WindowSpec byKey = Window.partitionBy(cols(p.businessKey())).orderBy(col(Scd2Params.VALID_FROM));
        final Dataset<Row> firsts = fresh.withColumn("_rn", row_number().over(byKey)).where(col("_rn").equalTo(1)).drop("_rn");
        final Dataset<Row> closes = firsts.join(current.select(cols(p.businessKey())),
                scala.jdk.javaapi.CollectionConverters.asScala(p.businessKey()).toSeq(), "left_semi");
        final Dataset<Row> staged = staged(p, out, closes, "close")
                .unionByName(staged(p, out, type1.withColumn(Scd2Params.VALID_TO, lit(null).cast(DataTypes.TimestampType))
                        .withColumn(Scd2Params.IS_CURRENT, lit(true))
                        .withColumn(Scd2Params.UPDATED_AT, lit(now))
                        .withColumn(p.surrogateKey(), lit(null).cast(DataTypes.LongType)), "type1"))
                .unionByName(staged(p, out, fresh, "insert"));

        final Map<String, String> closeSet = new LinkedHashMap<>();
        closeSet.put(Scd2Params.VALID_TO, "s." + Scd2Params.VALID_FROM);
        closeSet.put(Scd2Params.IS_CURRENT, "false");
        closeSet.put(Scd2Params.UPDATED_AT, "s." + Scd2Params.UPDATED_AT);
        final Map<String, String> type1Set = new LinkedHashMap<>();
        for (final String c : out) {
            if (!p.businessKey().contains(c) && !p.tracked().contains(c) && !c.equals(p.surrogateKey())
                    && !Scd2Params.ADDED.contains(c)) {
                type1Set.put(q(c), "s." + q(c));
            }
        }
        type1Set.put(Scd2Params.UPDATED_AT, "s." + Scd2Params.UPDATED_AT);
        final Map<String, String> insert = new LinkedHashMap<>();
        out.forEach(c -> insert.put(q(c), "s." + q(c)));
        final String cond = String.join(" AND ", p.businessKey().stream()
                .map(k -> "t." + q(k) + " <=> s." + q(MK + k)).toList()) + " AND t." + Scd2Params.IS_CURRENT;
        q.withFingerprint(spark, () -> DeltaTable.forPath(spark, wh.tablePath(spec.name())).as("t")
                .merge(staged.as("s"), cond)
                .whenMatched("s." + ACTION + " = 'close'").updateExpr(closeSet)
                .whenMatched("s." + ACTION + " = 'type1'").updateExpr(type1Set)
                .whenNotMatched("s." + ACTION + " = 'insert'").insertExpr(insert)
                .execute());
        fresh.unpersist();
        type1.unpersist();
        verify(wh, spec, p);
        return new JobResult(spec.name(), RunStatus.SUCCEEDED, read, inserts + updates, wh.version(spec.name()),
                q.inputs.versions(), String.format("%,d new version(s), %,d current row(s) updated in place%s", inserts, updates,
                        lateNote(late)));
    }

    /**
     * Source versions that start before the key's current row and would change the history: their
     * tracked values differ from the version of the table that covers their start.
     */
    private static long late(final Scd2Params p, final Dataset<Row> source, final Dataset<Row> table, final Dataset<Row> joined) {
        final Dataset<Row> older = joined.where(col("_cur_from").isNotNull().and(col(Scd2Params.VALID_FROM).leq(col("_cur_from"))))
                .select(cols(sourceColumns(source)));
        final List<Column> t = new ArrayList<>();
        p.businessKey().forEach(k -> t.add(col(q(k)).as("_tk_" + k)));
        t.add(col(Scd2Params.VALID_FROM).as("_t_from"));
        t.add(col(Scd2Params.VALID_TO).as("_t_to"));
        t.add(col(Scd2Params.VERSION_HASH).as("_t_hash"));
        final Dataset<Row> versions = table.select(t.toArray(Column[]::new));
        Column on = older.col(Scd2Params.VALID_FROM).geq(versions.col("_t_from"))
                .and(versions.col("_t_to").isNull().or(older.col(Scd2Params.VALID_FROM).lt(versions.col("_t_to"))));
        for (final String k : p.businessKey()) {
            on = on.and(older.col(k).eqNullSafe(versions.col("_tk_" + k)));
        }
        return older.join(versions, on, "left").where(col("_t_hash").isNull()
                .or(col("_t_hash").notEqual(older.col(Scd2Params.VERSION_HASH)))).count();
    }

    private static String lateNote(final long late) {
        return late == 0 ? "" : String.format("; %,d source version(s) older than the current row ignored (rebuild to take them in)",
                late);
    }

    /** Source rows with valid_from, the tracked-columns hash and the other-columns hash; one row per key and start. */
    private static Dataset<Row> normalise(final Scd2Params p, final Dataset<Row> raw, final TableSpec spec) {
        final List<String> names = List.of(raw.columns());
        for (final String c : required(p)) {
            if (!names.contains(c)) {
                throw new KamwException(spec.origin() + ": the scd2 source query has no column " + c + " (it has "
                        + String.join(", ", names) + ")");
            }
        }
        final List<String> other = new ArrayList<>();
        for (final String c : names) {
            if (!p.businessKey().contains(c) && !p.tracked().contains(c) && !c.equals(p.effectiveFrom())) {
                other.add(c);
            }
        }
        Dataset<Row> df = raw.withColumn(Scd2Params.VALID_FROM, col(p.effectiveFrom()).cast(DataTypes.TimestampType))
                .drop(p.effectiveFrom())
                .withColumn(Scd2Params.VERSION_HASH, hash(p.tracked()))
                .withColumn(ATTR_HASH, hash(other));
        final List<Column> keyNotNull = new ArrayList<>();
        p.businessKey().forEach(k -> keyNotNull.add(col(k).isNotNull()));
        keyNotNull.add(col(Scd2Params.VALID_FROM).isNotNull());
        df = df.where(keyNotNull.stream().reduce(Column::and).orElseThrow());
        final List<String> keyFrom = new ArrayList<>(p.businessKey());
        keyFrom.add(Scd2Params.VALID_FROM);
        // Two source rows for one key and start: keep one, deterministically.
        return df.withColumn("_rn", row_number().over(Window.partitionBy(cols(keyFrom))
                .orderBy(col(Scd2Params.VERSION_HASH).desc(), col(ATTR_HASH).desc()))).where(col("_rn").equalTo(1)).drop("_rn");
    }

    private static List<String> required(final Scd2Params p) {
        final List<String> out = new ArrayList<>(p.businessKey());
        out.addAll(p.tracked());
        out.add(p.effectiveFrom());
        return out;
    }

    private static Column hash(final List<String> columns) {
        if (columns.isEmpty()) {
            return lit("");
        }
        final List<Column> parts = new ArrayList<>();
        for (final String c : columns) {
            parts.add(coalesce(col(c).cast(DataTypes.StringType), lit("\u0000")));
        }
        return sha2(concat_ws("\u0001", parts.toArray(Column[]::new)), 256);
    }

    /**
     * Merges consecutive versions of a key whose tracked columns are equal into one: it starts
     * with the first of them and shows the untracked values of the last. With {@code current},
     * each key's current row seeds the comparison; source rows that continue the current version
     * are left out (they are in-place updates, found separately).
     */
    private static Dataset<Row> collapse(final Scd2Params p, final Dataset<Row> versions, final Dataset<Row> current) {
        final List<String> columns = List.of(versions.columns());
        Dataset<Row> all = versions.withColumn(SEED, lit(false));
        if (current != null) {
            final List<String> seedCols = new ArrayList<>(p.businessKey());
            seedCols.add(Scd2Params.VALID_FROM);
            seedCols.add(Scd2Params.VERSION_HASH);
            final Dataset<Row> seeds = current.select(cols(seedCols)).withColumn(SEED, lit(true));
            all = all.unionByName(seeds, true);
        }
        final WindowSpec w = Window.partitionBy(cols(p.businessKey())).orderBy(col(Scd2Params.VALID_FROM), col(SEED).desc());
        final WindowSpec group = Window.partitionBy(cols(groupCols(p)));
        return all.withColumn("_prev", lag(col(Scd2Params.VERSION_HASH), 1).over(w))
                .withColumn("_chg", org.apache.spark.sql.functions.when(col("_prev").isNull()
                        .or(col("_prev").notEqual(col(Scd2Params.VERSION_HASH))), 1).otherwise(0))
                .withColumn("_grp", org.apache.spark.sql.functions.sum(col("_chg")).over(w.rowsBetween(Window.unboundedPreceding(),
                        Window.currentRow())))
                .withColumn("_has_seed", org.apache.spark.sql.functions.max(col(SEED)).over(group))
                .withColumn("_start", org.apache.spark.sql.functions.min(col(Scd2Params.VALID_FROM)).over(group))
                .withColumn("_last", row_number().over(Window.partitionBy(cols(groupCols(p))).orderBy(col(Scd2Params.VALID_FROM).desc())))
                .where(col("_has_seed").equalTo(false).and(col("_last").equalTo(1)))
                .withColumn(Scd2Params.VALID_FROM, col("_start"))
                .select(cols(columns));
    }

    private static List<String> groupCols(final Scd2Params p) {
        final List<String> out = new ArrayList<>(p.businessKey());
        out.add("_grp");
        return out;
    }

    /** Collapsed versions with validity, current flag, surrogate key and update time. */
    private static Dataset<Row> versions(final Scd2Params p, final Dataset<Row> collapsed, final Timestamp now) {
        final WindowSpec w = Window.partitionBy(cols(p.businessKey())).orderBy(col(Scd2Params.VALID_FROM));
        final List<Column> skey = new ArrayList<>();
        p.businessKey().forEach(k -> skey.add(col(k)));
        skey.add(col(Scd2Params.VALID_FROM));
        return collapsed.withColumn(Scd2Params.VALID_TO, lead(col(Scd2Params.VALID_FROM), 1).over(w))
                .withColumn(Scd2Params.IS_CURRENT, col(Scd2Params.VALID_TO).isNull())
                .withColumn(p.surrogateKey(), xxhash64(skey.toArray(Column[]::new)))
                .withColumn(Scd2Params.UPDATED_AT, lit(now));
    }

    private static List<String> sourceColumns(final Dataset<Row> source) {
        return List.of(source.columns());
    }

    private static Column[] currentCols(final Scd2Params p, final Dataset<Row> current) {
        final List<Column> out = new ArrayList<>();
        p.businessKey().forEach(k -> out.add(current.col(k).as("_ck_" + k)));
        out.add(current.col(Scd2Params.VALID_FROM).as("_cur_from"));
        out.add(current.col(Scd2Params.VERSION_HASH).as("_cur_hash"));
        out.add(hashOfCurrentAttrs(p, current).as("_cur_attr"));
        return out.toArray(Column[]::new);
    }

    private static Column hashOfCurrentAttrs(final Scd2Params p, final Dataset<Row> current) {
        final List<String> other = new ArrayList<>();
        for (final String c : current.columns()) {
            if (!p.businessKey().contains(c) && !p.tracked().contains(c) && !c.equals(p.surrogateKey())
                    && !Scd2Params.ADDED.contains(c)) {
                other.add(c);
            }
        }
        return hash(other);
    }

    /** The table's columns: surrogate key, source columns (effective_from becomes valid_from), then the added ones. */
    private static List<String> outputColumns(final Scd2Params p, final Dataset<Row> source) {
        final List<String> out = new ArrayList<>(List.of(p.surrogateKey()));
        for (final String c : source.columns()) {
            if (!Scd2Params.ADDED.contains(c) && !c.equals(ATTR_HASH)) {
                out.add(c);
            }
        }
        out.addAll(Scd2Params.ADDED);
        return out;
    }

    private static Dataset<Row> staged(final Scd2Params p, final List<String> out, final Dataset<Row> rows, final String action) {
        final List<Column> c = new ArrayList<>();
        for (final String k : p.businessKey()) {
            c.add("insert".equals(action) ? lit(null).cast(rows.schema().apply(k).dataType()).as(MK + k) : col(k).as(MK + k));
        }
        c.add(lit(action).as(ACTION));
        for (final String o : out) {
            c.add(col(o));
        }
        return rows.select(c.toArray(Column[]::new));
    }

    /**
     * Every key has exactly one current row, and each version ends where the next begins: one
     * query over the table. Returns the number of current rows.
     */
    private static long verify(final Warehouse wh, final TableSpec spec, final Scd2Params p) {
        final Dataset<Row> t = wh.read(spec.name());
        final WindowSpec key = Window.partitionBy(cols(p.businessKey()));
        final WindowSpec w = key.orderBy(col(Scd2Params.VALID_FROM));
        // the last version of a key (no next one) stands for the key
        final Row r = t.withColumn("_next", lead(col(Scd2Params.VALID_FROM), 1).over(w))
                .withColumn("_current", org.apache.spark.sql.functions.sum(col(Scd2Params.IS_CURRENT).cast("int")).over(key))
                .selectExpr("count_if(_next IS NOT NULL AND (valid_to IS NULL OR valid_to <> _next)) AS broken_chain",
                        "count_if(_next IS NULL AND valid_to IS NOT NULL) AS last_closed",
                        "count_if(_next IS NULL AND _current <> 1) AS without_one_current",
                        "count_if(" + Scd2Params.IS_CURRENT + ") AS current_rows")
                .first();
        final long keysWithoutOneCurrent = r.getLong(2);
        if (r.getLong(0) + r.getLong(1) + keysWithoutOneCurrent > 0) {
            throw new KamwException(spec.name() + " breaks SCD2 validity after the write (version " + wh.version(spec.name())
                    + "): " + keysWithoutOneCurrent + " key(s) without exactly one current row, " + r.getLong(0)
                    + " version(s) not ending where the next begins, " + r.getLong(1) + " last version(s) closed");
        }
        return r.getLong(3);
    }

    private static Column[] cols(final List<String> names) {
        return names.stream().map(n -> col(q(n))).toArray(Column[]::new);
    }

    private static String q(final String c) {
        return "`" + c + "`";
    }

    @Override
    public QueryInputs prepared(final Warehouse wh, final TableSpec spec) {
        final Scd2Params p = spec.params(Scd2Params.class);
        return QueryInputs.prepare(wh, spec, p.source(), p.vars(), LOGIC_VERSION + p);
    }
}

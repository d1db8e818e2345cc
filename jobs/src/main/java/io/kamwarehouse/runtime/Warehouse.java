package io.kamwarehouse.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.delta.tables.DeltaTable;
import io.kamwarehouse.Conflicts;
import io.kamwarehouse.KamwException;

/**
 * The warehouse: a root folder (or object-store prefix) holding one Delta table per name under
 * its layer, {@code <root>/<layer>/<table>}. Table names are unique across layers and say their
 * layer: {@code raw_*} bronze, {@code stg_*} silver, {@code dim_*}, {@code fct_*}, {@code bdg_*},
 * {@code mart_*} gold; the run log and quarantine live in {@code meta}.
 */
public final class Warehouse {

    /** Layers in build order. */
    public static final List<String> LAYERS = List.of("bronze", "silver", "gold", "meta");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final SparkSession spark;
    private final WarehouseConfig config;
    private final PinnedReads pinned;

    public Warehouse(final SparkSession spark, final WarehouseConfig config) {
        this.spark = spark;
        this.config = config;
        this.pinned = new PinnedReads(spark);
    }

    public SparkSession spark() {
        return spark;
    }

    public WarehouseConfig config() {
        return config;
    }

    public String root() {
        return config.warehouseRoot();
    }

    /** The layer a table name belongs to. */
    public static String layerOf(final String table) {
        final String t = table.toLowerCase(Locale.ROOT);
        if (t.startsWith("raw_")) {
            return "bronze";
        }
        if (t.startsWith("stg_")) {
            return "silver";
        }
        if (t.startsWith("dim_") || t.startsWith("fct_") || t.startsWith("bdg_") || t.startsWith("mart_")
                || t.startsWith("cfg_")) {
            return "gold";
        }
        return "meta";
    }

    /** Where a table's Delta files live. */
    public String tablePath(final String table) {
        return root() + "/" + layerOf(table) + "/" + table;
    }

    /** True when the table has been written at least once. */
    public boolean exists(final String table) {
        return DeltaTable.isDeltaTable(spark, tablePath(table));
    }

    private static final String STATS_DEFAULT = "spark.databricks.delta.properties.defaults.dataSkippingStatsColumns";

    /**
     * Runs a write to the Delta table at {@code path}, telling it whether the table is being
     * created. When it is, the table keeps file statistics only on {@code statsColumns} (the
     * columns reads filter on): Delta's statistics on every column, long strings included, cost
     * about a third of a write. A table that exists keeps the statistics setting it was created with.
     */
    public void writeWithStatsOn(final String path, final List<String> statsColumns, final Consumer<Boolean> write) {
        final boolean create = !DeltaTable.isDeltaTable(spark, path);
        final boolean limit = create && !statsColumns.isEmpty();
        final String previous = spark.conf().getOption(STATS_DEFAULT).getOrElse(() -> null);
        if (limit) {
            spark.conf().set(STATS_DEFAULT, String.join(",", statsColumns));
        }
        try {
            write.accept(create);
        } finally {
            if (limit) {
                if (previous == null) {
                    spark.conf().unset(STATS_DEFAULT);
                } else {
                    spark.conf().set(STATS_DEFAULT, previous);
                }
            }
        }
    }

    /** Reads a table's current version; a clear error when it was never written. */
    public Dataset<Row> read(final String table) {
        if (!exists(table)) {
            throw new KamwException("table " + table + " does not exist in " + root()
                    + "; run 'kamw status' to list tables, or build it with 'kamw run " + table + "'");
        }
        return spark.read().format("delta").load(tablePath(table));
    }

    /**
     * Reads a table's current version pinned ({@link #readVersion}): for reads that query a table
     * several times (its checks, a plan), so its files are listed once. Not for a table about to be
     * merged into, which Delta must read through its own log.
     */
    public Dataset<Row> readCurrent(final String table) {
        final long v = version(table);
        return v < 0 ? read(table) : readVersion(table, v);
    }

    /**
     * True when this process holds the warehouse's lease, so no other writer runs: writes may then
     * take the cheap forms a racing writer would break (a blind append of new keys); false when
     * the lease is off ({@value WarehouseLease#ENABLED_CONF}), and every write takes a form Delta
     * checks for conflicts.
     */
    public boolean exclusive() {
        return WarehouseLease.enabled(config.sparkConf());
    }

    /**
     * Appends rows to a small table of the warehouse's own (records, logs) in one Delta commit and one
     * file. A column this version added to the record is added to an older warehouse's table.
     */
    public void appendRows(final String table, final List<Row> rows, final org.apache.spark.sql.types.StructType schema) {
        if (rows.isEmpty()) {
            return;
        }
        // an append never conflicts with another, but two first writes race to create the table: the loser tries again
        Conflicts.retrying(table, x -> { }, () -> spark.createDataFrame(new ArrayList<>(rows), schema).coalesce(1).write()
                .format("delta").mode(org.apache.spark.sql.SaveMode.Append).option("mergeSchema", "true").save(tablePath(table)));
    }

    /**
     * Appends rows that are each recorded once, whoever writes them: with the warehouse lease a
     * plain append ({@link #appendRows}); without it another run may be writing the same rows, so
     * they are merged on {@code keys} (a row whose keys are there already is left out), and a
     * MERGE, unlike an append, fails on a concurrent commit and is tried again.
     */
    public void appendOnce(final String table, final List<Row> rows, final org.apache.spark.sql.types.StructType schema,
            final List<String> keys) {
        if (rows.isEmpty()) {
            return;
        }
        if (exclusive()) {
            appendRows(table, rows, schema);
            return;
        }
        insertWhereMissing(table, spark.createDataFrame(new ArrayList<>(rows), schema), String.join(" AND ",
                keys.stream().map(k -> "t." + k + " <=> s." + k).toList()), x -> { });
    }

    /**
     * Inserts {@code rows} into a table of the warehouse's own where no row matches {@code condition}
     * (a MERGE condition over {@code t}, the table, and {@code s}, the rows), creating the table when it
     * is missing; returns the rows inserted. Safe with writers that run at the same time: the table is
     * created empty, never with the rows (a writer that found no table could otherwise append after
     * another had created it with its rows: both would succeed; of two creations Delta refuses one,
     * which looks again), and a MERGE, unlike an append, fails on a concurrent commit and is tried again.
     */
    public long insertWhereMissing(final String table, final Dataset<Row> rows, final String condition,
            final java.util.function.Consumer<String> say) {
        return Conflicts.retrying(table, say, () -> {
            if (!exists(table)) {
                rows.limit(0).coalesce(1).write().format("delta").mode(org.apache.spark.sql.SaveMode.Append).save(tablePath(table));
            } else {
                addMissingColumns(table, rows.schema());
            }
            final Row m = io.delta.tables.DeltaTable.forPath(spark, tablePath(table)).as("t").merge(rows.as("s"), condition)
                    .whenNotMatched().insertAll().execute().first();
            return m.getLong(m.fieldIndex("num_inserted_rows"));
        });
    }

    /**
     * Adds to a table of the warehouse's own the columns of {@code schema} it lacks (a column a newer
     * version added to the record): a MERGE would otherwise drop their values without a word.
     */
    private void addMissingColumns(final String table, final org.apache.spark.sql.types.StructType schema) {
        final java.util.Set<String> have = new java.util.HashSet<>(java.util.Arrays.asList(
                spark.read().format("delta").load(tablePath(table)).columns()));
        final List<String> add = java.util.Arrays.stream(schema.fields()).filter(f -> !have.contains(f.name()))
                .map(f -> "`" + f.name() + "` " + f.dataType().sql()).toList();
        if (!add.isEmpty()) {
            spark.sql("ALTER TABLE delta.`" + tablePath(table) + "` ADD COLUMNS (" + String.join(", ", add) + ")");
        }
    }

    /**
     * Reads a table as of a version (Delta time travel). The version's file list is read from the
     * log once per process and kept ({@link PinnedReads}), so the many scans of one input version
     * within a run do not each ask Delta to choose its files again.
     */
    public Dataset<Row> readVersion(final String table, final long version) {
        return pinned.read(tablePath(table), version);
    }

    /**
     * The rows that changed in a table from version {@code from} to {@code to} (both included),
     * from Delta's change data feed: each with {@code _change_type} ({@code insert}, {@code delete},
     * {@code update_preimage}, {@code update_postimage}). Fails when the feed was not enabled over
     * the whole range (see {@link SparkSessions}: tables written by this version have it on).
     */
    public Dataset<Row> readChanges(final String table, final long from, final long to) {
        return spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", from)
                .option("endingVersion", to).load(tablePath(table));
    }

    /** The table's latest Delta version, or -1 when it does not exist. */
    public long version(final String table) {
        final FileStatus newest = newestCommit(table);
        return newest == null ? -1L : commitVersion(newest);
    }

    /**
     * The table's version with the time its commit file was written, {@code 12@1767200000000}, or
     * null when the table does not exist: two tables at one path (one deleted, another written)
     * can share a version number, not both.
     */
    public String versionStamp(final String table) {
        final FileStatus newest = newestCommit(table);
        return newest == null ? null : commitVersion(newest) + "@" + newest.getModificationTime();
    }

    /**
     * The newest commit file in the table's {@code _delta_log} (its name is the version), or null
     * when the table does not exist; listing the log needs no Spark job.
     */
    private FileStatus newestCommit(final String table) {
        final Path log = new Path(tablePath(table) + "/_delta_log");
        try {
            return newestCommit(log.getFileSystem(hadoopConf()), log);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the Delta log of " + table, e);
        }
    }

    /** The newest commit file in a {@code _delta_log} folder, or null when there is none; no Spark needed. */
    public static FileStatus newestCommit(final FileSystem fs, final Path log) throws IOException {
        if (!fs.exists(log)) {
            return null;
        }
        FileStatus newest = null;
        for (final FileStatus st : fs.listStatus(log)) {
            final boolean commit = st.getPath().getName().matches("\\d{20}\\.json");
            if (commit && (newest == null || commitVersion(st) > commitVersion(newest))) {
                newest = st;
            }
        }
        return newest;
    }

    /** The version a commit file holds (its name). */
    public static long commitVersion(final FileStatus commit) {
        return Long.parseLong(commit.getPath().getName().substring(0, 20));
    }

    /**
     * An identity of the table's current contents: its path, latest version and the time that
     * version's commit file was written (so a table dropped and written again at the same path,
     * back at version 0, is not taken for the old one). Null when the table does not exist.
     */
    public Contents contents(final String table) {
        final FileStatus newest = newestCommit(table);
        return newest == null ? null : new Contents(tablePath(table), commitVersion(newest), newest.getModificationTime());
    }

    /** See {@link #contents}: equal values mean the same rows. */
    public record Contents(String path, long version, long writtenAt) {
    }

    /**
     * What the table's latest commit recorded: its version, user metadata and operation metrics,
     * read straight from the newest commit file of {@code _delta_log} (no Spark job, unlike
     * {@code DeltaTable.history}). Null when the table does not exist.
     */
    public Commit lastCommit(final String table) {
        final FileStatus newest = newestCommit(table);
        if (newest == null) {
            return null;
        }
        final long v = commitVersion(newest);
        final Path file = newest.getPath();
        try {
            final FileSystem fs = file.getFileSystem(hadoopConf());
            try (java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(fs.open(file), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    final com.fasterxml.jackson.databind.JsonNode info = JSON.readTree(line).get("commitInfo");
                    if (info == null) {
                        continue;
                    }
                    final java.util.Map<String, String> metrics = new java.util.TreeMap<>();
                    info.path("operationMetrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asText()));
                    final com.fasterxml.jackson.databind.JsonNode meta = info.get("userMetadata");
                    return new Commit(v, meta == null || meta.isNull() ? null : meta.asText(), java.util.Map.copyOf(metrics));
                }
            }
            return new Commit(v, null, java.util.Map.of());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the Delta log of " + table, e);
        }
    }

    /** A table's latest commit: its version, user metadata (null when none) and operation metrics. */
    public record Commit(long version, String userMetadata, java.util.Map<String, String> operationMetrics) {

        /** An operation metric as a number, or -1 when the commit did not record it. */
        public long metric(final String name) {
            final String v = operationMetrics.get(name);
            return v == null ? -1 : Long.parseLong(v);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * The table's row count as Delta recorded it, without a Spark job: the checksum file Delta
     * writes beside its newest commit ({@code _delta_log/<version>.crc}) lists the table's files
     * with their statistics, and the rows are the sum of their {@code numRecords} less the rows
     * their deletion vectors remove. Empty when there is no such file, it does not list the
     * files, or a file has no row count: then only a count answers.
     */
    public java.util.OptionalLong rowCountFromLog(final String table) {
        final FileStatus newest = newestCommit(table);
        return newest == null ? java.util.OptionalLong.empty() : rowCountFromLog(table, commitVersion(newest));
    }

    /**
     * A table version's row count as Delta recorded it in that version's checksum file (see
     * {@link #rowCountFromLog(String)}), without a Spark job; empty when the file does not say.
     * A version never changes, so the answer is remembered for the life of the process.
     */
    public java.util.OptionalLong rowCountFromLog(final String table, final long version) {
        final Path crc = new Path(tablePath(table) + "/_delta_log", String.format("%020d.crc", version));
        final String key = crc.toString();
        final Long known = LOGGED_ROWS.get(key);
        if (known != null) {
            return known < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(known);
        }
        final java.util.OptionalLong rows = readRowCount(crc);
        LOGGED_ROWS.put(key, rows.orElse(-1L));
        return rows;
    }

    /** Row counts of table versions read from their checksum files (-1: the file does not say). */
    private static final java.util.Map<String, Long> LOGGED_ROWS = new java.util.concurrent.ConcurrentHashMap<>();

    private java.util.OptionalLong readRowCount(final Path crc) {
        try {
            final FileSystem fs = crc.getFileSystem(hadoopConf());
            if (!fs.exists(crc)) {
                return java.util.OptionalLong.empty();
            }
            final com.fasterxml.jackson.databind.JsonNode files;
            try (java.io.InputStream in = fs.open(crc)) {
                files = JSON.readTree(in).get("allFiles");
            }
            if (files == null || !files.isArray()) {
                return java.util.OptionalLong.empty();
            }
            long rows = 0;
            for (final com.fasterxml.jackson.databind.JsonNode f : files) {
                final com.fasterxml.jackson.databind.JsonNode stats = f.get("stats");
                final com.fasterxml.jackson.databind.JsonNode n = stats == null || stats.isNull() ? null
                        : JSON.readTree(stats.asText()).get("numRecords");
                if (n == null || !n.canConvertToLong()) {
                    return java.util.OptionalLong.empty();
                }
                rows += n.asLong();
                final com.fasterxml.jackson.databind.JsonNode dv = f.get("deletionVector");
                if (dv != null && !dv.isNull()) {
                    rows -= dv.path("cardinality").asLong();
                }
            }
            return java.util.OptionalLong.of(rows);
        } catch (final IOException | RuntimeException e) {
            // A checksum file this code cannot read is no reason to fail: a count answers instead.
            return java.util.OptionalLong.empty();
        }
    }

    /** Names of all tables present, in layer then name order. */
    public List<String> listTables() {
        final List<String> out = new ArrayList<>();
        for (final String layer : LAYERS) {
            out.addAll(tablesIn(hadoopConf(), root(), layer));
        }
        return out;
    }

    /** Names of the tables present in one layer's folder under {@code root} (folders holding a Delta log), in name order. */
    public static List<String> tablesIn(final Configuration conf, final String root, final String layer) {
        final Path dir = new Path(root + "/" + layer);
        try {
            final FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return List.of();
            }
            final Set<String> names = new TreeSet<>();
            for (final FileStatus st : fs.listStatus(dir)) {
                if (st.isDirectory() && fs.exists(new Path(st.getPath(), "_delta_log"))) {
                    names.add(st.getPath().getName());
                }
            }
            return List.copyOf(names);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Makes the tables a query names available to {@code spark.sql} as temporary views, so users
     * query tables by name ({@code select * from dim_account}) wherever the warehouse lives.
     */
    public void registerViewsFor(final String sql) {
        final Set<String> tables = new LinkedHashSet<>(listTables());
        final Matcher m = IDENTIFIER.matcher(sql);
        final Set<String> registered = new TreeSet<>();
        while (m.find()) {
            final String name = m.group().toLowerCase(Locale.ROOT);
            if (tables.contains(name) && registered.add(name)) {
                registerView(name);
            }
        }
    }

    /** Registers one table as a temporary view under its name. */
    public void registerView(final String table) {
        spark.read().format("delta").load(tablePath(table)).createOrReplaceTempView(table);
    }

    public Configuration hadoopConf() {
        return spark.sparkContext().hadoopConfiguration();
    }
}

package io.kamwarehouse.serving;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.Warehouse;

/**
 * Copies gold tables from Delta into the serving database (PostgreSQL) through Spark's JDBC
 * writer. Each table is read at one Delta version, loaded into a staging table, then swapped in
 * with its grants and row-level security in one transaction, so a dashboard sees the old table
 * or the new one, never a missing or half-loaded one. A table whose published version equals its
 * current Delta version is not copied again. Every publish is recorded in PostgreSQL
 * ({@code kamw_published}) and in the Delta meta table {@code serving_published}.
 */
public final class Publisher {

    /** The Delta meta table of publishes. */
    public static final String TABLE = "serving_published";

    public static final String PUBLISHED = "published";
    public static final String UP_TO_DATE = "up_to_date";
    public static final String NOT_BUILT = "not_built";

    static final StructType LOG_SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("table_name", DataTypes.StringType, false),
        DataTypes.createStructField("delta_version", DataTypes.LongType, false),
        DataTypes.createStructField("row_count", DataTypes.LongType, false),
        DataTypes.createStructField("published_at", DataTypes.TimestampType, false),
        DataTypes.createStructField("target", DataTypes.StringType, false),
        DataTypes.createStructField("duration_ms", DataTypes.LongType, false),
        DataTypes.createStructField("team_restricted", DataTypes.BooleanType, false),
    });

    /** The outcome for one table. */
    public record Result(String table, String status, long deltaVersion, long rows, long millis, boolean teamRestricted) {
    }

    private final Warehouse warehouse;
    private final ServingConfig config;
    private final ServingTarget target;
    private final ServingSchema schema;
    private final Progress progress;

    public Publisher(final Warehouse warehouse, final ServingConfig config, final ServingTarget target, final Progress progress) {
        this.warehouse = warehouse;
        this.config = config;
        this.target = target;
        this.schema = new ServingSchema(config);
        this.progress = progress;
    }

    /** The tables {@code conf/serving.yaml} publishes, in name order: gold tables with a listed prefix. */
    public List<String> candidates(final List<String> specTables) {
        return specTables.stream().filter(config::publishes).sorted().toList();
    }

    /** Publishes the given tables (those not built yet are skipped); {@code force} copies even when up to date. */
    public List<Result> publish(final List<String> tables, final boolean force) {
        final List<Result> out = new ArrayList<>();
        final List<Row> log = new ArrayList<>();
        try (Connection c = target.connect()) {
            schema.prepare(c);
            for (final String table : tables) {
                final Result r = publishOne(c, table, force);
                out.add(r);
                if (PUBLISHED.equals(r.status())) {
                    log.add(RowFactory.create(r.table(), r.deltaVersion(), r.rows(), new Timestamp(System.currentTimeMillis()),
                            target.hostPort() + "/" + target.database() + "/" + config.schema(), r.millis(), r.teamRestricted()));
                }
            }
        } catch (final SQLException e) {
            throw new KamwException("publishing to " + target.shown() + " failed: " + ServingTarget.redacted(e.getMessage())
                    + (e.getSQLState() != null && e.getSQLState().startsWith("08") ? " (is the database running and reachable?)" : ""));
        } finally {
            warehouse.appendRows(TABLE, log, LOG_SCHEMA);
        }
        return out;
    }

    private Result publishOne(final Connection c, final String table, final boolean force) throws SQLException {
        final long version = warehouse.version(table);
        if (version < 0) {
            progress.say("publish " + table + ": not built yet, skipped");
            return new Result(table, NOT_BUILT, -1, 0, 0, false);
        }
        final OptionalLong published = schema.publishedVersion(c, table);
        if (!force && published.isPresent() && published.getAsLong() == version) {
            progress.say("publish " + table + ": version " + version + " is already published");
            return new Result(table, UP_TO_DATE, version, -1, 0, false);
        }
        final long start = System.nanoTime();
        final Dataset<Row> df = servable(warehouse.readVersion(table, version));
        final boolean restricted = config.teamRestricted().contains(table)
                && Arrays.asList(df.columns()).contains(config.teamColumn());
        final String stage = table + "__kamw_stage";
        final Properties p = new Properties();
        p.setProperty("user", target.user());
        if (target.password() != null) {
            p.setProperty("password", target.password());
        }
        p.setProperty("driver", "org.postgresql.Driver");
        p.setProperty("batchsize", "5000");
        p.setProperty("reWriteBatchedInserts", "true");
        df.write().mode(SaveMode.Overwrite).jdbc(target.jdbcUrl(), schema.q(stage), p);
        final long rows = schema.count(c, stage);
        io.kamwarehouse.runtime.Faults.point(warehouse.spark(), "publish-stage:" + table);
        schema.swapIn(c, stage, table, restricted, version, rows, warehouse.tablePath(table));
        io.kamwarehouse.runtime.Faults.point(warehouse.spark(), "publish:" + table);
        final long ms = (System.nanoTime() - start) / 1_000_000;
        progress.say(String.format("publish %s: version %d, %,d rows%s (%.1f s)", table, version, rows,
                restricted ? ", rows by team" : "", ms / 1000.0));
        return new Result(table, PUBLISHED, version, rows, ms, restricted);
    }

    /**
     * The frame as PostgreSQL can hold it: DECIMAL stays NUMERIC(p,s), dates DATE, timestamps
     * TIMESTAMP; structs, maps and arrays of them become JSON text.
     */
    static Dataset<Row> servable(final Dataset<Row> df) {
        final List<Column> cols = new ArrayList<>();
        for (final StructField f : df.schema().fields()) {
            final DataType t = f.dataType();
            final boolean nested = t instanceof StructType || t instanceof MapType
                    || (t instanceof ArrayType a && (a.elementType() instanceof StructType || a.elementType() instanceof MapType
                    || a.elementType() instanceof ArrayType));
            cols.add(nested ? to_json(col("`" + f.name() + "`")).as(f.name()) : col("`" + f.name() + "`"));
        }
        return df.select(cols.toArray(Column[]::new));
    }
}

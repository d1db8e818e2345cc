package io.kamwarehouse.runtime;

import java.util.Optional;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * On a small warehouse run in process, Spark evaluates queries without generating and compiling
 * code for them. On a few hundred thousand rows a query costs less to interpret than to compile,
 * and a run compiles a new plan for every step and check: the demo's pipeline (scale 1) took 224 s
 * interpreted against 252 s compiled, one at scale 0.02 about a fifth less. On more data compiled
 * code pays for itself, so above {@value #DEFAULT_MAX_BYTES} bytes (about twice the demo) nothing
 * changes.
 *
 * <p>The size is the larger of the warehouse's bronze tables and its landing folder (the raw data
 * the run starts from), read from the file system's listing. Decided once per process, on a local
 * master and a warehouse on the local disk only (listing object storage at every start would cost
 * more than it saves), and never over a code-generation setting given by {@code --conf} or
 * {@code spark-submit}; {@code --conf kamw.smallWarehouse.maxBytes=0} turns it off.
 */
public final class SmallWarehouse {

    /** Spark conf: the largest size, in bytes, of a warehouse run interpreted (0: never). */
    public static final String MAX_BYTES_CONF = "kamw.smallWarehouse.maxBytes";
    /** 32 MiB: the demo (scale 1) has about 20 MB of extracts and 18 MB of bronze tables. */
    public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

    static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
    static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";

    private SmallWarehouse() {
    }

    /**
     * Turns code generation off on {@code spark} when the warehouse is small and nothing says
     * otherwise; returns what it decided, for a progress line, or empty when it left the session as it is.
     */
    public static Optional<String> apply(final SparkSession spark, final WarehouseConfig config) {
        final String master = spark.sparkContext().master();
        if (!master.startsWith("local") || !config.isLocal() || spark.conf().contains(WHOLE_STAGE)
                || spark.conf().contains(FACTORY_MODE)) {
            return Optional.empty();
        }
        final long max = maxBytes(spark);
        if (max <= 0) {
            return Optional.empty();
        }
        final long size = Math.max(bytes(spark, config.warehouseRoot() + "/bronze"), bytes(spark, config.landingRoot()));
        if (size < 0 || size > max) {
            return Optional.empty();
        }
        spark.conf().set(WHOLE_STAGE, "false");
        spark.conf().set(FACTORY_MODE, "NO_CODEGEN");
        return Optional.of(String.format(java.util.Locale.ROOT,
                "small warehouse (%.1f MiB of raw data, at most %.0f MiB): queries are interpreted, not compiled (%s)",
                size / 1048576.0, max / 1048576.0, MAX_BYTES_CONF));
    }

    private static long maxBytes(final SparkSession spark) {
        final String v = spark.conf().get(MAX_BYTES_CONF, String.valueOf(DEFAULT_MAX_BYTES)).trim();
        try {
            return Long.parseLong(v);
        } catch (final NumberFormatException e) {
            throw new io.kamwarehouse.KamwException("--conf " + MAX_BYTES_CONF + "=" + v
                    + " is not a number of bytes: give the largest warehouse to run interpreted, or 0 for never");
        }
    }

    /** The bytes under a folder, 0 when it does not exist, -1 when it cannot be listed. */
    static long bytes(final SparkSession spark, final String folder) {
        if (folder == null) {
            return 0;
        }
        try {
            final Path p = new Path(folder);
            final FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.exists(p) ? fs.getContentSummary(p).getLength() : 0;
        } catch (final java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}

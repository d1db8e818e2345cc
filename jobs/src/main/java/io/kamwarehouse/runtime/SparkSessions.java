package io.kamwarehouse.runtime;

import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds a SparkSession: Delta extensions and catalog, and settings sized for
 * the machine. Under {@code spark-submit} the master and resources come from the cluster; run
 * in-process (the {@code kamw} launcher, tests) it defaults to {@code local[*]} with few shuffle
 * partitions and the UI off.
 */
public final class SparkSessions {

    private SparkSessions() {
    }

    /** Returns the active session or builds one for this configuration. */
    public static SparkSession getOrCreate(final WarehouseConfig config) {
        final SparkConf conf = new SparkConf(true);
        final boolean submitted = conf.contains("spark.master");
        final boolean local = !submitted;
        final SparkSession.Builder builder = SparkSession.builder().appName("kam-warehouse");
        if (local) {
            builder.master(config.master() != null ? config.master() : "local[*]");
        }
        builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.session.timeZone", conf.get("spark.sql.session.timeZone", "UTC"))
                // Delta: keep history long enough to reproduce a closed period (finance) from its versions.
                .config("spark.databricks.delta.properties.defaults.logRetentionDuration",
                        conf.get("spark.databricks.delta.properties.defaults.logRetentionDuration", "interval 3650 days"))
                .config("spark.databricks.delta.properties.defaults.deletedFileRetentionDuration",
                        conf.get("spark.databricks.delta.properties.defaults.deletedFileRetentionDuration", "interval 3650 days"))
                // every table keeps its change data feed: a gold build by period reads what changed in its inputs from it
                .config("spark.databricks.delta.properties.defaults.enableChangeDataFeed",
                        conf.get("spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true"))
                .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
                // Spark compiles the generated code of every query it runs and keeps 100 compiled classes; a
                // run's ~80 steps and their checks, and Delta's own queries over each table's log, need many
                // more, and compiling them again was a fifth of a run's CPU time
                .config("spark.sql.codegen.cache.maxEntries", conf.get("spark.sql.codegen.cache.maxEntries", "4000"))
                // tables built side by side (kamw.build.concurrency) share the cores fairly: a step's small
                // jobs are not queued behind another step's large one
                .config("spark.scheduler.mode", conf.get("spark.scheduler.mode", "FAIR"))
                // GBK (and other Java charsets) for Chinese CSV exports; Spark 4 otherwise allows only UTF-x and Latin-1.
                .config("spark.sql.legacy.javaCharsets", "true");
        if (local || isLocalMaster(conf.get("spark.master", ""))) {
            final int cores = Runtime.getRuntime().availableProcessors();
            // In process the data is small and the cost of a step is its number of Spark jobs and tasks:
            // one shuffle partition per core, and no adaptive execution, which re-plans a query after
            // every shuffle and runs each shuffle stage as a job of its own.
            builder.config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions",
                            String.valueOf(Math.max(2, cores))))
                    // Delta runs a Spark job over a table's log state for every scan it plans ("Filtering files
                    // for query"); one partition makes that one task.
                    .config("spark.databricks.delta.snapshotPartitions",
                            conf.get("spark.databricks.delta.snapshotPartitions", "1"))
                    // every job broadcasts its task binary, and a broadcast is written into a first chunk of
                    // the block size (4m) whatever its size: at Spark's default a run's thousands of small jobs made
                    // gigabytes of garbage, and the many-job model fits ran at GC's pace
                    .config("spark.broadcast.blockSize", conf.get("spark.broadcast.blockSize", "256k"))
                    .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.adaptive.enabled", conf.get("spark.sql.adaptive.enabled", "false"))
                    .config("spark.driver.host", conf.get("spark.driver.host", "127.0.0.1"))
                    .config("spark.driver.bindAddress", conf.get("spark.driver.bindAddress", "127.0.0.1"));
        }
        for (final Map.Entry<String, String> e : config.sparkConf().entrySet()) {
            builder.config(e.getKey(), e.getValue());
        }
        final SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel(conf.get("kamw.log.level", "WARN"));
        JobCounter.register(spark);
        return spark;
    }

    /**
     * A new session on {@code parent}'s Spark context with every setting {@code parent} has now,
     * those set after it started included: its own settings and temporary views from here on.
     */
    public static SparkSession childOf(final SparkSession parent) {
        final SparkSession child = parent.newSession();
        final Map<String, String> has = scala.jdk.javaapi.CollectionConverters.asJava(child.conf().getAll());
        for (final Map.Entry<String, String> e : scala.jdk.javaapi.CollectionConverters.asJava(parent.conf().getAll())
                .entrySet()) {
            if (!e.getValue().equals(has.get(e.getKey()))) {
                try {
                    child.conf().set(e.getKey(), e.getValue());
                } catch (final RuntimeException notSettable) {
                    // a static or core setting: the shared Spark context already has it
                }
            }
        }
        return child;
    }

    private static boolean isLocalMaster(final String master) {
        return master.startsWith("local");
    }
}

package io.kamwarehouse.testing;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.SparkSessions;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;

/**
 * One local SparkSession for the whole test JVM ({@code local[2]}, two shuffle partitions, UI
 * off), and per-test warehouses in temporary folders that use it.
 */
public final class SharedSpark {

    /**
     * Spark settings for tests on a 2-core machine. A test JVM runs thousands of different queries
     * over a few rows each, most of them once: compiling each one's generated code (Janino) cost
     * more than running it, so tests evaluate expressions without code generation (Spark's own test
     * setting; measured on five Spark test classes: 18% less CPU). The application keeps code
     * generation, and the cluster test and {@code kamw bench} run with it. The cost rule, which picks
     * a whole rebuild over a build by period from the steps' measured times, is off: a test's
     * expectations must not depend on how long an earlier step took.
     */
    public static final Map<String, String> TEST_CONF = Map.of(
            "spark.sql.shuffle.partitions", "2",
            "spark.default.parallelism", "2",
            "spark.databricks.delta.snapshotPartitions", "1",
            "spark.ui.enabled", "false",
            "spark.sql.adaptive.coalescePartitions.initialPartitionNum", "2",
            "spark.databricks.delta.stats.collect", "true",
            "spark.sql.codegen.wholeStage", "false",
            "spark.sql.codegen.factoryMode", "NO_CODEGEN",
            // builds by period decide their periods as the tests assert, whatever a step happened to cost before
            // (the cost rule's own test turns it on)
            "kamw.build.costRule", "false");

    private SharedSpark() {
    }

    /** The repository's schemas/ folder (tests run in the jobs/ module folder). */
    public static Path schemasDir() {
        return Paths.get("").toAbsolutePath().getParent().resolve("schemas");
    }

    /** Copies the repository's source contracts into {@code schemas}/sources, for a test's own set of table specs. */
    public static void copySourceContracts(final Path schemas) throws java.io.IOException {
        try (var sources = java.nio.file.Files.walk(schemasDir().resolve("sources"))) {
            for (final Path from : (Iterable<Path>) sources::iterator) {
                final Path to = schemas.resolve(schemasDir().relativize(from).toString());
                if (java.nio.file.Files.isDirectory(from)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(from, to);
                }
            }
        }
    }

    /** A warehouse configuration rooted in a test folder, using the repository's contracts. */
    public static WarehouseConfig config(final Path warehouse) {
        return WarehouseConfig.resolve(warehouse.toString(), warehouse.resolve("landing").toString(),
                schemasDir().toString(), "local[2]", TEST_CONF);
    }

    public static synchronized SparkSession spark() {
        System.setProperty("kamw.keepSpark", "true");
        return SparkSessions.getOrCreate(config(Paths.get(System.getProperty("java.io.tmpdir"), "kamw-test")));
    }

    /** A run context on a fresh warehouse folder. */
    public static RunContext context(final Path warehouse) {
        final WarehouseConfig cfg = config(warehouse);
        final SchemaFiles files = SchemaFiles.load(cfg.schemasDir());
        return new RunContext(new Warehouse(spark(), cfg), files, ContractCatalog.load(files), Progress.silent());
    }
}

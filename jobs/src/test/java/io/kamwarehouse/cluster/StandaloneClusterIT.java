package io.kamwarehouse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.cli.Main;
import io.kamwarehouse.runtime.TableChecksums;
import io.kamwarehouse.runtime.TableChecksums.Checksum;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The application jar on a real Spark standalone cluster: {@code bin/kamw-cluster} starts a master
 * and a worker on 127.0.0.1 from the build's own dependencies, submits the jar with spark-submit
 * (client deploy mode: the driver here, the tasks in an executor the worker launched), and the
 * gold tables it writes must equal those of the same pipeline run locally, table by table: the
 * same row counts, the same content checksums and, row for row, no row on one side only.
 *
 * <p>A slice of the pipeline keeps it short: the sample extracts (scale 0.02) of four entities,
 * their bronze and silver tables (money converted at the day's FX rate), and three gold tables
 * that between them use every job kind (staging, sql with a recursive team hierarchy, scd2). Runs after {@code package} (it
 * needs the application jar), as {@code mvn verify} does; skipped only when no port can be opened.
 */
class StandaloneClusterIT {

    private static final String SCALE = "0.02";

    /** Landing files kept, per source: the entities the tables below read. */
    private static final Map<String, List<String>> ENTITIES = Map.of(
            "crm", List.of("teams", "employees", "products"),
            "finance", List.of("fx_rates"));

    private static final List<String> SILVER = List.of("stg_crm__teams", "stg_crm__employees", "stg_crm__products",
            "stg_finance__fx_rates");

    private static final List<String> GOLD = List.of("dim_team", "dim_employee", "dim_product");

    @TempDir
    Path dir;

    @Test
    void pipelineSubmittedToAStandaloneClusterBuildsTheSameGoldTablesAsALocalRun() throws Exception {
        final int[] ports = freePorts(3);
        final Path repo = Paths.get("").toAbsolutePath().getParent();
        final Path landing = dir.resolve("landing");
        final Path schemas = dir.resolve("schemas");
        final Path clusterWarehouse = dir.resolve("cluster");
        final Path localWarehouse = dir.resolve("local");
        generateSlice(landing);
        copySchemas(repo.resolve("schemas"), schemas);

        final List<String> env = List.of("KAMW_CLUSTER_WORK=" + dir.resolve("work"), "KAMW_SKIP_BUILD=1",
                "KAMW_MASTER_PORT=" + ports[0], "KAMW_MASTER_UI_PORT=" + ports[1], "KAMW_WORKER_UI_PORT=" + ports[2]);
        final Path script = repo.resolve("bin/kamw-cluster");
        // The same slice run locally, in this JVM, while the cluster starts and runs it: the two share nothing but
        // the landing folder they read, and the cluster's JVMs spend much of their time starting.
        final SparkSession spark = SharedSpark.spark();
        final ByteArrayOutputStream localOut = new ByteArrayOutputStream();
        final java.util.concurrent.CompletableFuture<long[]> localRun = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            final long t0 = System.nanoTime();
            final int code = Main.execute(new String[] {"--warehouse", localWarehouse.toString(), "--landing", landing.toString(),
                "--schemas", schemas.toString(), "--master", "local[2]", "-q", "pipeline"},
                    new PrintStream(localOut, true, StandardCharsets.UTF_8), System.err);
            return new long[] {code, (System.nanoTime() - t0) / 1_000_000};
        }, task -> {
            final Thread t = new Thread(task, "local-pipeline");
            t.setDaemon(true);
            t.start();
        });
        final long clusterMillis;
        try {
            script(script, env, "start");
            final long t0 = System.nanoTime();
            final String out = script(script, env, "submit", "--conf", "spark.ui.enabled=false", "--",
                    "--warehouse", clusterWarehouse.toString(), "--landing", landing.toString(),
                    "--schemas", schemas.toString(), "pipeline");
            clusterMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(out.contains("[" + (SILVER.size() + GOLD.size()) + "/" + (SILVER.size() + GOLD.size()) + "] build"),
                    "every table was built on the cluster:\n" + out);
        } finally {
            script(script, env, "stop");
        }
        // The worker ran the executor: its folder for this application holds the executor's logs.
        try (Stream<Path> apps = Files.list(dir.resolve("work/worker"))) {
            assertTrue(apps.anyMatch(p -> p.getFileName().toString().startsWith("app-")),
                    "the worker launched an executor for the application");
        }

        final long[] localResult = localRun.join();
        final long localMillis = localResult[1];
        assertEquals(0, localResult[0], localOut.toString(StandardCharsets.UTF_8));

        final Warehouse onCluster = new Warehouse(spark, WarehouseConfig.local(clusterWarehouse));
        final Warehouse local = new Warehouse(spark, WarehouseConfig.local(localWarehouse));
        final Map<String, Checksum> a = TableChecksums.ofLayer(onCluster, "gold");
        final Map<String, Checksum> b = TableChecksums.ofLayer(local, "gold");
        final ByteArrayOutputStream table = new ByteArrayOutputStream();
        final boolean same = TableChecksums.compare(a, b, "cluster", "local", new PrintStream(table, true, StandardCharsets.UTF_8));
        final String report = table.toString(StandardCharsets.UTF_8);
        System.out.print(report);
        System.out.printf("wall time of the pipeline slice at scale %s, the two run side by side: cluster %.1fs, local %.1fs%n", SCALE,
                clusterMillis / 1000.0, localMillis / 1000.0);

        assertEquals(new TreeSet<>(GOLD), a.keySet().stream().collect(TreeSet::new, Set::add, Set::addAll), report);
        assertEquals(a.keySet(), b.keySet(), report);
        for (final String t : GOLD) {
            assertTrue(a.get(t).rows() > 0, t + " has rows: " + report);
            assertEquals(b.get(t).rows(), a.get(t).rows(), t + " rows: " + report);
            assertEquals(b.get(t).checksum(), a.get(t).checksum(), t + " checksum: " + report);
            // Row for row, independently of the checksum: nothing on one side only.
            final Dataset<Row> x = TableChecksums.comparable(onCluster.read(t));
            final Dataset<Row> y = TableChecksums.comparable(local.read(t));
            assertEquals(0, x.exceptAll(y).count(), t + ": rows only in the cluster's table");
            assertEquals(0, y.exceptAll(x).count(), t + ": rows only in the local table");
        }
        assertTrue(same, report);
    }

    /** Free ports on 127.0.0.1, or the test is skipped: where no port can be opened there is no cluster. */
    private static int[] freePorts(final int n) {
        final int[] ports = new int[n];
        final List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                final ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } catch (final IOException e) {
            Assumptions.abort("skipped: cannot open a port on 127.0.0.1 for a Spark master and worker (" + e.getMessage() + ")");
        } finally {
            for (final ServerSocket s : open) {
                try {
                    s.close();
                } catch (final IOException ignored) {
                    // closing a probe socket
                }
            }
        }
        return ports;
    }

    /** Sample extracts at a small scale, keeping only the files of {@link #ENTITIES}. */
    private void generateSlice(final Path landing) throws IOException {
        final Path full = dir.resolve("generated");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int code = Main.execute(new String[] {"--landing", full.toString(), "--warehouse", dir.resolve("unused").toString(),
            "-q", "generate", "--scale", SCALE}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        int copied = 0;
        for (final Map.Entry<String, List<String>> source : ENTITIES.entrySet()) {
            try (Stream<Path> drops = Files.list(full.resolve(source.getKey()))) {
                for (final Path drop : drops.toList()) {
                    final Path target = Files.createDirectories(landing.resolve(source.getKey()).resolve(drop.getFileName()));
                    try (Stream<Path> files = Files.list(drop)) {
                        for (final Path f : files.toList()) {
                            final String name = f.getFileName().toString();
                            if (source.getValue().stream().anyMatch(e -> name.startsWith(e + ".") || name.startsWith(e + "_part-"))) {
                                Files.copy(f, target.resolve(name));
                                copied++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(copied >= 4, "landing files of the slice: " + copied);
    }

    /** Every source contract, and the specs of the slice's tables only. */
    private static void copySchemas(final Path from, final Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from.resolve("sources"))) {
            for (final Path f : files.filter(Files::isRegularFile).toList()) {
                final Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        // each table's whole folder (table.yaml, query.sql, tests.yaml), found by name below tables/
        final List<String> slice = new ArrayList<>(SILVER);
        slice.addAll(GOLD);
        try (Stream<Path> folders = Files.walk(from.resolve("tables"))) {
            for (final Path folder : folders.filter(f -> Files.isDirectory(f) && slice.contains(f.getFileName().toString())).toList()) {
                try (Stream<Path> files = Files.list(folder)) {
                    for (final Path f : files.filter(Files::isRegularFile).toList()) {
                        final Path target = to.resolve(from.relativize(f).toString());
                        Files.createDirectories(target.getParent());
                        Files.copy(f, target);
                    }
                }
                slice.remove(folder.getFileName().toString());
            }
        }
        if (!slice.isEmpty()) {
            throw new IOException("no table folder under " + from.resolve("tables") + " for " + slice);
        }
    }

    /** Runs {@code bin/kamw-cluster} with the test's ports and work folder; its output, or a failure showing it. */
    private static String script(final Path script, final List<String> env, final String... args)
            throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        for (final String e : env) {
            final int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        final Path log = Files.createTempFile("kamw-cluster-", ".log");
        pb.redirectOutput(log.toFile());
        final Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
        }
        final String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.print(out);
        assertEquals(0, p.exitValue(), "bin/kamw-cluster " + String.join(" ", args) + ":\n" + out);
        return out;
    }
}

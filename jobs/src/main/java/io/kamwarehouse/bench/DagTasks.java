package io.kamwarehouse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.dags.DagGenerator;
import io.kamwarehouse.dags.DagsConfig;
import io.kamwarehouse.spec.TableSpecCatalog;

/**
 * What a day costs run as Airflow runs it: each task of a generated DAG is one cold
 * {@code spark-submit}, so the bench runs each task's command in a JVM of its own, one after the
 * other, on a copy of the warehouse taken before the day, and one {@code kamw pipeline} of the
 * same day the same way on another copy. The tasks' summed wall time against the pipeline's is
 * what the DAG's grouping ({@code group_by} in {@code dags/dags.yaml}) costs.
 */
final class DagTasks {

    /** One task's command and how it ended. */
    record Timed(String taskId, List<String> args, double seconds, int exitCode) {
    }

    private DagTasks() {
    }

    /** {@code dags/dags.yaml} beside the schemas folder. */
    static Path dagsFile(final String schemasDir) {
        if (schemasDir == null) {
            throw new KamwException("--dag-tasks reads dags/dags.yaml beside the project's schemas folder: give --schemas "
                    + "<project>/schemas (or KAMW_SCHEMAS); the schemas inside the application have no DAGs beside them");
        }
        return Path.of(schemasDir).toAbsolutePath().normalize().getParent().resolve("dags").resolve("dags.yaml");
    }

    /** The DAG's tasks (table and group tasks; commands that are not a build are left out), their dates set to {@code asOf}. */
    static List<DagGenerator.Task> tasks(final String schemasDir, final String dagId) {
        final Path file = dagsFile(schemasDir);
        if (!Files.isRegularFile(file)) {
            throw new KamwException("--dag-tasks needs " + file + " (the DAG definitions beside the schemas folder)");
        }
        final DagsConfig config;
        try {
            config = DagsConfig.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final DagsConfig.Dag dag = config.dags().stream().filter(d -> d.id().equals(dagId)).findFirst()
                .orElseThrow(() -> new KamwException("--dag-tasks " + dagId + ": no such DAG in " + file + "; its DAGs: "
                        + String.join(", ", config.dags().stream().map(DagsConfig.Dag::id).toList())));
        final SchemaFiles files = SchemaFiles.load(schemasDir);
        final ContractCatalog contracts = ContractCatalog.load(files);
        return new DagGenerator(TableSpecCatalog.load(files, contracts), contracts, config).tasks(dag).stream()
                .filter(t -> t.kind() != DagGenerator.Kind.COMMAND).toList();
    }

    /** The task's arguments with the run date rendered as {@code asOf}. */
    static List<String> render(final List<String> args, final LocalDate asOf) {
        return args.stream().map(a -> a.equals(DagGenerator.RUN_DATE) ? asOf.toString() : a).toList();
    }

    /**
     * Runs {@code kamw <global options> <args>} in a new JVM with this one's class path and JVM
     * options, output to {@code log}; returns its wall time and exit code.
     */
    static Timed run(final String taskId, final List<String> global, final List<String> args, final Path log) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String opt : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a profiler or debugger of the bench's own JVM is not the task's
            if (!opt.startsWith("-XX:StartFlightRecording") && !opt.startsWith("-agentlib") && !opt.startsWith("-javaagent")) {
                cmd.add(opt);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.kamwarehouse.cli.Main");
        cmd.addAll(global);
        cmd.addAll(args);
        final long start = System.nanoTime();
        try {
            Files.createDirectories(log.getParent());
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            final int code = p.waitFor();
            return new Timed(taskId, args, (System.nanoTime() - start) / 1e9, code);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + cmd.get(0), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KamwException("interrupted while timing the task " + taskId);
        }
    }

    /** The global options of a task run on {@code warehouse} with the bench's landing, schemas, threads and settings. */
    static List<String> global(final Path warehouse, final Path landing, final String schemasDir, final int threads,
            final Map<String, String> conf) {
        final List<String> out = new ArrayList<>(List.of("--warehouse", warehouse.toString(), "--landing", landing.toString(),
                "--schemas", Path.of(schemasDir).toAbsolutePath().toString(), "--master", "local[" + threads + "]", "-q"));
        conf.forEach((k, v) -> out.add("--conf=" + k + "=" + v));
        return out;
    }
}

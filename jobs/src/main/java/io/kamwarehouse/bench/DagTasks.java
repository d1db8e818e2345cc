package io.kamwarehouse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.dags.DagGenerator;

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
                "--master", "local[" + threads + "]", "-q"));
        if (schemasDir != null) {
            // without it, the task reads the schemas inside the application, as the bench does
            out.addAll(List.of("--schemas", Path.of(schemasDir).toAbsolutePath().toString()));
        }
        conf.forEach((k, v) -> out.add("--conf=" + k + "=" + v));
        return out;
    }
}

package io.kamwarehouse.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.kamwarehouse.testing.SharedSpark;

/** Runs {@code kamw} in this JVM on a test warehouse, with the repository's schemas, and keeps what it printed. */
final class CliRun {

    /** Exit code, standard output and standard error of one invocation. */
    record Result(int code, String out, String err) {
    }

    private CliRun() {
    }

    /** {@code kamw --warehouse <warehouse> --schemas <repo>/schemas --master local[2] -q <args>}, sharing the test JVM's Spark. */
    static Result kamw(final Path warehouse, final String... args) {
        return kamwWith(SharedSpark.schemasDir(), warehouse, args);
    }

    /** As {@link #kamw}, with the table specs and contracts of {@code schemas}. */
    static Result kamwWith(final Path schemas, final Path warehouse, final String... args) {
        SharedSpark.spark();
        final List<String> all = new ArrayList<>(List.of("--warehouse", warehouse.toString(), "--schemas",
                schemas.toString(), "--master", "local[2]", "-q"));
        all.addAll(List.of(args));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        final int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute(all.toArray(new String[0]), System.out, System.err);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

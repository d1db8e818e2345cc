package io.kamwarehouse.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.dags.DagGenerator;
import io.kamwarehouse.dags.DagsConfig;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kamw dags}: write the Airflow DAG files from the specs, or check that they are current. */
@Command(name = "dags", mixinStandardHelpOptions = true,
        description = "The Airflow DAGs in dags/, generated from the contracts, the table specs and dags/dags.yaml.",
        subcommands = {DagsCommand.Generate.class, DagsCommand.Check.class, DagsCommand.DryRun.class})
final class DagsCommand implements Runnable {

    /** Environment variable naming the DAG folder (bin/kamw sets it to the repository's dags/). */
    static final String ENV_DAGS = "KAMW_DAGS";

    @ParentCommand
    Main main;

    @Override
    public void run() {
        throw new KamwException("a subcommand is needed: kamw dags generate | check (see kamw dags --help)");
    }

    static Path dir(final String option) {
        final String env = System.getenv(ENV_DAGS);
        return Paths.get(option != null ? option : env != null && !env.isBlank() ? env : "dags");
    }

    Map<String, String> generate(final Path dir) {
        final DagsConfig config = DagsConfig.load(dir);
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        return new DagGenerator(specs, main.contracts(), config).generate();
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Rewrite the DAG files in dags/ from the specs.")
    static final class Generate implements Callable<Integer> {
        @ParentCommand
        DagsCommand parent;

        @Option(names = "--dir", paramLabel = "DIR", description = "The DAG folder (default: $KAMW_DAGS, else ./dags).")
        String dirOption;

        @Override
        public Integer call() throws IOException {
            final Path dir = dir(dirOption);
            for (final Map.Entry<String, String> e : parent.generate(dir).entrySet()) {
                final Path file = dir.resolve(e.getKey());
                final boolean same = Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(e.getValue());
                if (!same) {
                    Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
                }
                System.out.println((same ? "unchanged " : "wrote ") + file);
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Exit non-zero when a DAG file differs from what `kamw dags generate` would write.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        DagsCommand parent;

        @Option(names = "--dir", paramLabel = "DIR", description = "The DAG folder (default: $KAMW_DAGS, else ./dags).")
        String dirOption;

        @Override
        public Integer call() throws IOException {
            final Path dir = dir(dirOption);
            final List<String> stale = new ArrayList<>();
            for (final Map.Entry<String, String> e : parent.generate(dir).entrySet()) {
                final Path file = dir.resolve(e.getKey());
                if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(e.getValue())) {
                    stale.add(file.toString());
                }
            }
            if (!stale.isEmpty()) {
                System.err.println("kamw: the DAG files are stale (the specs or dags.yaml changed): " + String.join(", ", stale)
                        + "; run 'bin/kamw dags generate' and commit the result");
                return KamwException.EXIT_INPUT;
            }
            System.out.println("the DAG files in " + dir + " are current");
            return 0;
        }
    }

    /**
     * Runs the real command line with {@code --dry-run} on each argument list of a JSON file
     * ({@code [["--warehouse", "w", "run", "dim_date", "--date", "2026-09-30"], ...]}) in this one
     * JVM, and prints one JSON line per list with the exit code and the messages. The DAG tests use
     * it to check every task's arguments without starting a JVM per task.
     */
    @Command(name = "dry-run", mixinStandardHelpOptions = true,
            description = "Check argument lists (a JSON file of lists) with --dry-run; one JSON result line each.")
    static final class DryRun implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "JSON file: a list of argument lists.")
        Path file;

        @Override
        public Integer call() throws IOException {
            final ObjectMapper json = new ObjectMapper();
            final List<List<String>> lists;
            try {
                lists = json.readValue(file.toFile(), new TypeReference<List<List<String>>>() { });
            } catch (final IOException e) {
                throw new KamwException(file + " is not a JSON list of argument lists: " + e.getMessage());
            }
            final PrintStream stdout = System.out;
            for (final List<String> args : lists) {
                final List<String> withDryRun = new ArrayList<>(args);
                withDryRun.add("--dry-run");
                final ByteArrayOutputStream out = new ByteArrayOutputStream();
                final ByteArrayOutputStream err = new ByteArrayOutputStream();
                final int code;
                final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                System.setOut(o);
                try {
                    code = Main.execute(withDryRun.toArray(String[]::new), o, new PrintStream(err, true, StandardCharsets.UTF_8));
                } finally {
                    System.setOut(stdout);
                }
                final Map<String, Object> line = new LinkedHashMap<>();
                line.put("args", withDryRun);
                line.put("exit", code);
                line.put("out", out.toString(StandardCharsets.UTF_8).strip());
                line.put("err", err.toString(StandardCharsets.UTF_8).strip());
                stdout.println(json.writeValueAsString(line));
            }
            return 0;
        }
    }
}

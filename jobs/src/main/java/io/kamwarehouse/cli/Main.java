package io.kamwarehouse.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.jobs.AsOfDate;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.SparkSessions;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kamw}: the warehouse's command line. The same entry point serves the local launcher
 * ({@code bin/kamw}) and {@code spark-submit --class io.kamwarehouse.cli.Main}.
 */
@Command(name = "kamw", mixinStandardHelpOptions = true, version = "kam-warehouse 0.1.0",
        description = "Key-account management warehouse: ingest extracts into Delta tables, build marts, inspect runs.",
        subcommands = {GenerateCommand.class, IngestCommand.class, RunCommand.class, PipelineCommand.class, BackfillCommand.class,
            StatusCommand.class, TablesCommand.class, SqlCommand.class, DemoCommand.class, PlanCommand.class, DashboardsCommand.class,
            PublishCommand.class, ServeCommand.class, DagsCommand.class, BonusCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Environment: KAMW_WAREHOUSE, KAMW_LANDING, KAMW_SCHEMAS set the defaults of the options above."})
public final class Main implements Runnable {

    @Option(names = "--warehouse", paramLabel = "PATH", scope = CommandLine.ScopeType.INHERIT,
            description = "Warehouse root: a folder, or an s3a:// / hdfs:// URI (default: $KAMW_WAREHOUSE, else ./warehouse).")
    String warehouse;

    @Option(names = "--landing", paramLabel = "PATH", scope = CommandLine.ScopeType.INHERIT,
            description = "Landing folder of raw extracts (default: $KAMW_LANDING, else <warehouse>/landing).")
    String landing;

    @Option(names = "--schemas", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Folder with sources/ and tables/ (default: $KAMW_SCHEMAS, else the copy inside the jar).")
    String schemas;

    @Option(names = "--master", paramLabel = "URL", scope = CommandLine.ScopeType.INHERIT,
            description = "Spark master when not run by spark-submit (default: local[*]).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", scope = CommandLine.ScopeType.INHERIT,
            description = "Extra Spark setting; repeatable.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces of errors.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "No progress lines on standard error.")
    boolean quiet;

    private SparkSession spark;
    private RunContext context;
    /** True when {@link #asOfDate} put the run's date into the session's settings. */
    private boolean asOfDateSet;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed (see kamw --help)");
    }

    public static void main(final String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int execute(final String[] args, final PrintStream out, final PrintStream err) {
        final Main main = new Main();
        final CommandLine cli = new CommandLine(main);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.registerConverter(LocalDate.class, Main::parseDate);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("kamw: " + ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                err.println("Did you mean: " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "?");
            }
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return KamwException.EXIT_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            final Throwable t = unwrap(ex);
            if (t instanceof KamwException k) {
                err.println("kamw: error: " + k.getMessage());
                if (main.verbose) {
                    t.printStackTrace(err);
                }
                return k.exitCode();
            }
            err.println("kamw: unexpected error: " + IngestService.rootMessage(t)
                    + (main.verbose ? "" : " (run with --verbose for the stack trace)"));
            if (main.verbose) {
                t.printStackTrace(err);
            }
            return 1;
        });
        try {
            return cli.execute(args);
        } finally {
            main.close();
        }
    }

    private static Throwable unwrap(final Throwable ex) {
        Throwable t = ex;
        while (!(t instanceof KamwException) && t.getCause() != null && t.getCause() != t) {
            if (t.getCause() instanceof KamwException) {
                return t.getCause();
            }
            t = t.getCause();
        }
        return t instanceof KamwException ? t : ex;
    }

    static LocalDate parseDate(final String text) {
        try {
            return LocalDate.parse(text);
        } catch (final DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a date: use yyyy-MM-dd, e.g. 2026-10-01");
        }
    }

    /** The configuration from options and environment, without starting Spark. */
    WarehouseConfig config() {
        return WarehouseConfig.resolve(warehouse, landing, schemas, master, conf);
    }

    /**
     * Makes {@code date} the as-of date of every build of this invocation ({@code --date} of
     * {@code run} and {@code pipeline}): the Spark conf {@value AsOfDate#CONF} the session starts
     * with. Called before Spark starts, so a different date given with {@code --conf} stops the
     * command before anything runs.
     */
    void asOfDate(final LocalDate date) {
        if (context != null) {
            throw new IllegalStateException("the as-of date is set before Spark starts");
        }
        conf = withAsOfDate(conf, date);
        asOfDateSet = true;
    }

    /**
     * The Spark settings {@code conf} with {@value AsOfDate#CONF} set to {@code date}: the as-of
     * date every build of the run uses. A different date already given there (or as the var
     * {@code kamw.var.as_of_date}) is an error naming both.
     */
    static Map<String, String> withAsOfDate(final Map<String, String> conf, final LocalDate date) {
        for (final String key : List.of(AsOfDate.CONF, AsOfDate.VAR_CONF)) {
            final String given = conf.get(key);
            if (given != null && !given.isBlank() && !given.trim().equals(date.toString())) {
                throw new KamwException("--date " + date + " and --conf " + key + "=" + given.trim()
                        + " give two as-of dates; give one (--date sets " + AsOfDate.CONF + ")");
            }
        }
        final Map<String, String> out = new LinkedHashMap<>(conf);
        out.put(AsOfDate.CONF, date.toString());
        return out;
    }

    /** Contracts (checked) without starting Spark. */
    ContractCatalog contracts() {
        return ContractCatalog.load(SchemaFiles.load(config().schemasDir()));
    }

    Progress progress() {
        return new Progress(System.err, quiet);
    }

    /** Starts Spark once per invocation and returns the shared context. */
    RunContext context() {
        if (context == null) {
            final WarehouseConfig cfg = config();
            final SchemaFiles files = SchemaFiles.load(cfg.schemasDir());
            final ContractCatalog catalog = ContractCatalog.load(files);
            final Progress progress = progress();
            progress.say("starting Spark (warehouse " + cfg.warehouseRoot() + ")");
            spark = SparkSessions.getOrCreate(cfg);
            context = new RunContext(new Warehouse(spark, cfg), files, catalog, progress);
        }
        return context;
    }

    private void close() {
        // Tests share one session per JVM: stop it only when this invocation started it outside tests.
        if (spark != null && !Boolean.getBoolean("kamw.keepSpark")) {
            spark.stop();
        } else if (spark != null && asOfDateSet) {
            // The session lives on: the next invocation decides its own as-of date.
            spark.conf().unset(AsOfDate.CONF);
        }
    }
}

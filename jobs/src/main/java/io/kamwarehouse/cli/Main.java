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
import io.kamwarehouse.runtime.WarehouseLease;
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
            StatusCommand.class, TablesCommand.class, LineageCommand.class, CompileCommand.class, SqlCommand.class, TestCommand.class, DemoCommand.class, PlanCommand.class, DashboardsCommand.class,
            PublishCommand.class, ServeCommand.class, DagsCommand.class, BonusCommand.class, BenchCommand.class, DocsCommand.class, CompletionCommand.class,
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

    @Option(names = "--wait", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "-1", scope = CommandLine.ScopeType.INHERIT,
            description = "When another command is writing the warehouse, wait for it to finish (for ever, or up to SECONDS) "
                    + "instead of stopping at once with exit code 75.")
    Long waitSeconds;

    /** The command line as given, passwords hidden: what the warehouse lease says its holder is running. */
    private String commandLine = "kamw";
    private Progress progress;
    private WarehouseLease lease;
    private Thread leaseHook;
    private String runId;
    /** True once this command has taken the lease, or found it switched off ({@value WarehouseLease#ENABLED_CONF}). */
    private boolean leaseTaken;
    /** When this writing command started, for its outcome row in the run log. */
    private java.sql.Timestamp startedAt;
    /** The error line this command ended with, for its outcome row in the run log. */
    private String errorLine;

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
        main.commandLine = "kamw " + redact(String.join(" ", args));
        final CommandLine cli = new CommandLine(main);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.registerConverter(LocalDate.class, Main::parseDate);
        HelpText.apply(cli);
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
                main.errorLine = k.getMessage();
                err.println("kamw: error: " + k.getMessage());
                if (main.verbose) {
                    t.printStackTrace(err);
                }
                return k.exitCode();
            }
            main.errorLine = "unexpected error: " + IngestService.rootMessage(t);
            err.println("kamw: unexpected error: " + IngestService.rootMessage(t)
                    + (main.verbose ? "" : " (run with --verbose for the stack trace)"));
            if (main.verbose) {
                t.printStackTrace(err);
            }
            return 1;
        });
        int code = 1;
        try {
            code = cli.execute(args);
            final String lost = main.lease == null ? null : main.lease.lost();
            if (lost != null) {
                main.errorLine = "lost the warehouse lease while it ran (" + lost + ")";
                err.println("kamw: error: this command lost the warehouse lease while it ran (" + lost
                        + "): another command may have written at the same time; see kamw status");
                code = Math.max(code, KamwException.EXIT_FAILED);
            }
            main.recordOutcome(code, err);
        } finally {
            main.close();
        }
        return code;
    }

    /** The text of a command line with what follows {@code password=} hidden. */
    static String redact(final String text) {
        return text.replaceAll("(?i)(password=)[^&\\s]*", "$1***");
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
        if (progress == null) {
            progress = new Progress(System.err, quiet);
        }
        return progress;
    }

    /**
     * Starts Spark once per invocation and returns the shared context, for a command that only
     * reads the warehouse (a writing one calls {@link #writingContext()}).
     */
    RunContext context() {
        if (context == null) {
            final WarehouseConfig cfg = config();
            final SchemaFiles files = SchemaFiles.load(cfg.schemasDir());
            final ContractCatalog catalog = ContractCatalog.load(files);
            final Progress progress = progress();
            progress.say("starting Spark (warehouse " + cfg.warehouseRoot() + ")");
            spark = SparkSessions.getOrCreate(cfg);
            io.kamwarehouse.runtime.SmallWarehouse.apply(spark, cfg).ifPresent(progress::say);
            context = new RunContext(new Warehouse(spark, cfg), files, catalog, progress,
                    runId == null ? RunContext.newRunId() : runId);
        }
        return context;
    }

    /**
     * The context of a command that writes the warehouse: takes the warehouse's lease first (before
     * Spark starts, so a refused second writer stops at once), waiting as {@code --wait} says; a
     * lease taken over from an interrupted run is recorded in the run log as that run's outcome.
     */
    RunContext writingContext() {
        takeLease();
        final boolean first = context == null;
        final RunContext ctx = context();
        if (first) {
            // one commit: the interrupted run whose lease this command took over, and this command's start
            final List<io.kamwarehouse.metadata.RunRecord> rows = new java.util.ArrayList<>();
            if (lease != null) {
                lease.takenOver().ifPresent(t -> {
                    final WarehouseLease.Holder h = t.previous();
                    rows.add(new io.kamwarehouse.metadata.RunRecord(h.runId(), h.runId(), commandName(h.command()),
                            h.command(), java.sql.Timestamp.from(h.started()), java.sql.Timestamp.from(h.heartbeat()),
                            io.kamwarehouse.metadata.RunStatus.INTERRUPTED, java.util.Map.of(), null, null, 0, 0, 0,
                            "did not finish: " + t.reason() + (h.step().isEmpty() ? "" : "; last step: " + h.step())
                                    + "; its lease was taken over by run " + lease.self().runId()));
                });
            }
            startedAt = new java.sql.Timestamp(System.currentTimeMillis());
            rows.add(new io.kamwarehouse.metadata.RunRecord(runId, runId, commandName(commandLine), commandLine, startedAt, startedAt,
                    io.kamwarehouse.metadata.RunStatus.STARTED, java.util.Map.of(), null, null, 0, 0, 0,
                    lease == null ? "started without the warehouse lease (" + WarehouseLease.ENABLED_CONF + "=false)"
                            : "started; holds the warehouse lease"));
            ctx.runLog().append(rows);
        }
        return ctx;
    }

    /**
     * The run log's row for how a writing command ended (its start has a row of its own, written
     * when it took the lease): {@code succeeded}, or {@code rejected} / {@code failed} with the
     * exit code and the error line. A command that is killed has none; the next writer records it
     * as {@code interrupted}.
     */
    private void recordOutcome(final int code, final PrintStream err) {
        if (startedAt == null || context == null) {
            return;
        }
        final io.kamwarehouse.metadata.RunStatus status = code == 0 ? io.kamwarehouse.metadata.RunStatus.SUCCEEDED
                : code == KamwException.EXIT_INPUT ? io.kamwarehouse.metadata.RunStatus.REJECTED
                : io.kamwarehouse.metadata.RunStatus.FAILED;
        try {
            context.runLog().append(new io.kamwarehouse.metadata.RunRecord(runId, runId, commandName(commandLine), commandLine,
                    startedAt, new java.sql.Timestamp(System.currentTimeMillis()), status, java.util.Map.of(), null, null, 0, 0, 0,
                    "exit " + code + (errorLine == null ? "" : ": " + errorLine)));
        } catch (final RuntimeException e) {
            err.println("kamw: warning: the run log could not record how this command ended: " + IngestService.rootMessage(e));
        }
    }

    /** Takes the warehouse lease for this command, once (before Spark starts). */
    void takeLease() {
        if (leaseTaken) {
            return;
        }
        leaseTaken = true;
        final WarehouseConfig cfg = config();
        runId = RunContext.newRunId();
        if (!WarehouseLease.enabled(cfg.sparkConf())) {
            progress().say("warning: the warehouse lease is off (" + WarehouseLease.ENABLED_CONF + "=false): other writers are "
                    + "not kept out; each write is still safe to repeat or to race");
            return;
        }
        final java.time.Duration wait = waitSeconds == null ? java.time.Duration.ZERO
                : waitSeconds < 0 ? null : java.time.Duration.ofSeconds(waitSeconds);
        lease = WarehouseLease.acquire(hadoopConf(cfg), cfg.warehouseRoot(), runId, commandLine, wait,
                WarehouseLease.timeout(cfg.sparkConf()), progress()::say);
        progress().listen(lease::step);
        // killed (Airflow's SIGTERM, Ctrl-C) before the end: the lease is marked so that the next writer takes over
        // at once and records this run as interrupted
        leaseHook = new Thread(lease::abandon, "kamw-lease-release");
        Runtime.getRuntime().addShutdownHook(leaseHook);
    }

    /** {@code kamw pipeline} for the command line {@code kamw --warehouse w pipeline --date ...}. */
    static String commandName(final String command) {
        for (final String word : command.split(" ")) {
            if (WRITING_COMMANDS.contains(word)) {
                return "kamw " + word;
            }
        }
        return command;
    }

    /** The commands that take the warehouse lease. */
    static final java.util.Set<String> WRITING_COMMANDS = java.util.Set.of("ingest", "run", "pipeline", "backfill", "bonus", "test",
            "demo");

    /** Hadoop settings for the lease before Spark starts: {@code spark.hadoop.*} of {@code --conf} and system properties. */
    private static org.apache.hadoop.conf.Configuration hadoopConf(final WarehouseConfig cfg) {
        final org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        final java.util.Map<String, String> all = new java.util.TreeMap<>();
        System.getProperties().stringPropertyNames().forEach(k -> all.put(k, System.getProperty(k)));
        all.putAll(cfg.sparkConf());
        all.forEach((k, v) -> {
            if (k.startsWith("spark.hadoop.")) {
                conf.set(k.substring("spark.hadoop.".length()), v);
            }
        });
        return conf;
    }

    private void close() {
        if (lease != null) {
            lease.close();
            try {
                Runtime.getRuntime().removeShutdownHook(leaseHook);
            } catch (final IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
        // Tests share one session per JVM: stop it only when this invocation started it outside tests.
        if (spark != null && !Boolean.getBoolean("kamw.keepSpark")) {
            spark.stop();
        } else if (spark != null && asOfDateSet) {
            // The session lives on: the next invocation decides its own as-of date.
            spark.conf().unset(AsOfDate.CONF);
        }
    }
}

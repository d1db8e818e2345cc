package io.kamwarehouse.cli;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.pipeline.Pipeline;
import io.kamwarehouse.pipeline.Selector;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.serving.Publisher;
import io.kamwarehouse.serving.ServingConfig;
import io.kamwarehouse.serving.ServingSession;
import io.kamwarehouse.serving.ServingTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw pipeline}: everything that is due, in dependency order, in one Spark session. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Run everything that is due in dependency order: pending drops into bronze, then the tables built from them.")
final class PipelineCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--date", paramLabel = "yyyy-MM-dd", description = "The run's as-of date: ingest loads the pending drops up to "
            + "D+1 (the drop that holds D's data), then silver and gold are built with the data known by the end of D. "
            + "Without it: every pending drop, and the day before the latest drop ingested.")
    LocalDate date;

    @Option(names = "--dry-run", description = "Print what would run; where the warehouse holds tables, also what the run "
            + "would find now: per source the drops not loaded yet, per table up to date, would build (why, which periods, "
            + "then which checks), would skip or decided in the run. Writes nothing and takes no lease.")
    boolean dryRun;

    @Option(names = "--select", paramLabel = "SELECTOR", arity = "1..*", description = "Run only these tables: TABLE, TABLE+ "
            + "(and everything built from it), +TABLE (and everything it is built from), layer:bronze|silver|gold, domain:NAME, "
            + "schedule:daily|monthly, kind:product|example, tag:NAME, owner:NAME; a,b selects what both select, separate selectors what either "
            + "does. Bronze tables selected load their pending drops; tables not selected are read as they are.")
    List<String> select = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "SELECTOR", arity = "1..*", description = "Leave out what these selectors select.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--publish", description = "Publish the gold tables to the serving database at the end (also done whenever "
            + "$KAMW_JDBC_URL names an external one); without it and without $KAMW_JDBC_URL nothing is published.")
    boolean publish;

    @Override
    public Integer call() {
        if (date != null) {
            main.asOfDate(date);
        }
        final ContractCatalog contracts = main.contracts();
        final boolean selecting = !select.isEmpty() || !exclude.isEmpty();
        if (!selecting && !dryRun) {
            // everything: the pipeline loads the specs itself
            return run(null, null);
        }
        final TableSpecCatalog allSpecs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), contracts);
        final Selector selector = new Selector(allSpecs, contracts);
        final Set<String> picked = selector.select(select, exclude);
        final Set<String> bronze = new LinkedHashSet<>();
        picked.stream().filter(selector::bronze).forEach(bronze::add);
        if (dryRun) {
            if (date != null) {
                System.out.println("as of " + date + ": ingest the pending drops" + Landing.Drops.asOf(date).describe()
                        + ", build with the data known by the end of " + date);
            }
            contracts.all().stream().filter(c -> bronze.contains(c.bronzeTable()))
                    .forEach(c -> System.out.println("ingest " + c.qualifiedName() + " -> " + c.bronzeTable()));
            allSpecs.all().stream().filter(s -> picked.contains(s.name()))
                    .forEach(s -> System.out.println("build " + s.name() + " (" + s.job() + ") from " + String.join(", ", s.inputs())));
            new DryRun(main).print(contracts.all().stream().filter(c -> bronze.contains(c.bronzeTable())).toList(),
                    allSpecs.all().stream().filter(s -> picked.contains(s.name())).toList(),
                    date == null ? io.kamwarehouse.ingest.Landing.Drops.ALL : io.kamwarehouse.ingest.Landing.Drops.asOf(date));
            return 0;
        }
        return run(picked, bronze);
    }

    /** Runs the pipeline: the {@code picked} tables, loading the drops of the {@code bronze} ones; every table when null. */
    private int run(final Set<String> picked, final Set<String> bronze) {
        final RunContext ctx = main.writingContext();
        final Pipeline pipeline = new Pipeline(ctx);
        if (picked != null) {
            pipeline.ingestOnly(bronze).select(all -> all.stream().filter(s -> picked.contains(s.name())).toList());
        }
        final Pipeline.Result result = pipeline.run(Optional.ofNullable(date));
        Summaries.printIngest(System.out, result.ingested(), ctx.warehouse().root());
        Summaries.printBuilt(System.out, result.built());
        final int code = Summaries.exitCode(result.ingested(), result.built());
        if (code == 0 && (publish || ServingTarget.external(null) != null)) {
            final ServingConfig config = ServingConfig.load();
            final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
            try (ServingSession session = ServingSession.open(null, config, main.config(), null, ctx.progress())) {
                PublishCommand.print(new Publisher(ctx.warehouse(), config, session.target(), ctx.progress())
                        .publish(PublishCommand.select(config, specs, java.util.List.of()), false));
            }
        }
        return code;
    }
}

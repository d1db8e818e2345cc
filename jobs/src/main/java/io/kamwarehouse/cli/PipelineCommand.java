package io.kamwarehouse.cli;

import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.pipeline.Pipeline;
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

    @Option(names = "--dry-run", description = "Print what would run, without starting Spark.")
    boolean dryRun;

    @Option(names = "--publish", description = "Publish the gold tables to the serving database at the end (also done whenever "
            + "$KAMW_JDBC_URL names an external one); without it and without $KAMW_JDBC_URL nothing is published.")
    boolean publish;

    @Override
    public Integer call() {
        if (date != null) {
            main.asOfDate(date);
        }
        if (dryRun) {
            final ContractCatalog contracts = main.contracts();
            if (date != null) {
                System.out.println("as of " + date + ": ingest the pending drops" + Landing.Drops.asOf(date).describe()
                        + ", build with the data known by the end of " + date);
            }
            contracts.all().forEach(c -> System.out.println("ingest " + c.qualifiedName() + " -> " + c.bronzeTable()));
            TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), contracts).all()
                    .forEach(s -> System.out.println("build " + s.name() + " (" + s.job() + ") from " + String.join(", ", s.inputs())));
            return 0;
        }
        main.contracts();
        final RunContext ctx = main.context();
        final Pipeline.Result result = new Pipeline(ctx).run(Optional.ofNullable(date));
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

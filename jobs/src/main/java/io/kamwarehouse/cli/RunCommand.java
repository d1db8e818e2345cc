package io.kamwarehouse.cli;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kamw run <table>}: build one table (for a bronze table: load its pending drops). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Build one table by name: a bronze table (raw_crm__accounts) "
        + "loads its pending drops, a silver or gold table runs its job and checks. Given selectors (dim_team+, +fct_bonus, "
        + "tag:finance, layer:gold, or several tables), it builds what they select in dependency order, as pipeline --select does.")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "TABLE", arity = "1..*", description = "The table to build, or selectors of the tables to build "
            + "(as pipeline --select takes them).")
    List<String> names = new ArrayList<>();

    /** The one table named, when a single plain name is given. */
    String table;

    @Option(names = "--date", paramLabel = "yyyy-MM-dd", description = "The run's as-of date: silver and gold are built with the "
            + "data known by the end of D; a bronze table loads its pending drops up to D+1 (the drop that holds D's data). "
            + "Without it: every pending drop, and the day before the latest drop ingested.")
    LocalDate date;

    @Option(names = "--rebuild", description = "Recompute the table from all of its inputs instead of only what is new.")
    boolean rebuild;

    @Option(names = "--dry-run", description = "Check the arguments and print what would run; where the warehouse holds tables, "
            + "also what the run would find now: the drops not loaded yet, or whether the table is up to date, would be rebuilt "
            + "(why, which periods) and which checks would run. Writes nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (names.size() > 1 || names.get(0).matches(".*[+:,].*")) {
            if (rebuild) {
                throw new io.kamwarehouse.KamwException("--rebuild takes one table, not selectors: kamw run TABLE --rebuild "
                        + "(or kamw backfill for the periods of several)");
            }
            // selectors: what pipeline --select builds, bronze tables among them loading their pending drops
            final PipelineCommand pipeline = new PipelineCommand();
            pipeline.main = main;
            pipeline.select = new ArrayList<>(names);
            pipeline.date = date;
            pipeline.dryRun = dryRun;
            return pipeline.call();
        }
        table = names.get(0);
        final ContractCatalog catalog = main.contracts();
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), catalog);
        final List<String> known = new ArrayList<>(catalog.all().stream().map(Contract::bronzeTable).toList());
        specs.all().forEach(s -> known.add(s.name()));
        // decided from the specs alone, before Spark starts
        table = io.kamwarehouse.Names.known("table", table, known, "kamw tables");
        final Optional<Contract> contract = catalog.byBronzeTable(table);
        final Optional<TableSpec> spec = specs.find(table);
        final Landing.Drops drops = date == null ? Landing.Drops.ALL : Landing.Drops.asOf(date);
        if (date != null) {
            main.asOfDate(date);
        }
        if (dryRun) {
            System.out.println(contract.isPresent()
                    ? "run " + table + ": ingest pending drops of " + contract.get().qualifiedName() + drops.describe()
                            + (date == null ? "" : " (as of " + date + ")")
                    : "run " + table + ": " + spec.get().job() + " job from "
                            + (spec.get().inputs().isEmpty() ? "the scoring plans" : String.join(", ", spec.get().inputs()))
                            + (rebuild ? " (rebuild)" : "") + (date == null ? "" : " as of " + date));
            if (rebuild) {
                System.out.println("now: build " + table + ": would build: recompute whole (rebuild asked for)");
            } else {
                new DryRun(main).print(contract.map(List::of).orElse(List.of()), spec.map(List::of).orElse(List.of()), drops);
            }
            return 0;
        }
        final RunContext ctx = main.writingContext();
        if (spec.isPresent()) {
            final List<TableRunner.Built> built = new TableRunner(ctx).build(List.of(spec.get()),
                    rebuild ? JobOptions.REBUILD : JobOptions.INCREMENTAL);
            Summaries.printBuilt(System.out, built);
            return Summaries.exitCode(List.of(), built);
        }
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        final Landing.Scan scan = landing.scan(Optional.of(contract.get().qualifiedName()), drops);
        if (scan.batches().isEmpty()) {
            System.out.println("nothing pending for " + table + (date == null ? "" : " in the drops" + drops.describe()));
            return 0;
        }
        final List<IngestResult> results = new IngestService(ctx).ingest(scan);
        Summaries.printIngest(System.out, results, ctx.warehouse().root());
        return IngestCommand.exitCode(results);
    }
}

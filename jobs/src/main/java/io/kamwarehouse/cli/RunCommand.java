package io.kamwarehouse.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.runtime.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kamw run <table>}: build one table (for a bronze table: load its pending drops). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Build one table by name, e.g. raw_crm__accounts.")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "TABLE", description = "The table to build.")
    String table;

    @Option(names = "--date", paramLabel = "yyyy-MM-dd", description = "The logical date of the run (a drop date for bronze).")
    LocalDate date;

    @Option(names = "--dry-run", description = "Check the arguments and print what would run, without starting Spark.")
    boolean dryRun;

    @Override
    public Integer call() {
        final ContractCatalog catalog = main.contracts();
        final Contract contract = catalog.byBronzeTable(table).orElseThrow(() -> new KamwException("unknown table '" + table
                + "'; known tables: " + String.join(", ", catalog.all().stream().map(Contract::bronzeTable).sorted().toList())));
        if (dryRun) {
            System.out.println("run " + table + ": ingest pending drops of " + contract.qualifiedName()
                    + (date == null ? "" : " for " + date));
            return 0;
        }
        final RunContext ctx = main.context();
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        final Landing.Scan scan = landing.scan(Optional.of(contract.qualifiedName()), Optional.ofNullable(date));
        if (scan.batches().isEmpty()) {
            System.out.println("nothing pending for " + table + (date == null ? "" : " on " + date));
            return 0;
        }
        final List<IngestResult> results = new IngestService(ctx).ingest(scan);
        Summaries.printIngest(System.out, results, ctx.warehouse().root());
        return IngestCommand.exitCode(results);
    }
}

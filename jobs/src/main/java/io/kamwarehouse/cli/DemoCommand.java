package io.kamwarehouse.cli;

import java.util.Optional;
import java.util.concurrent.Callable;

import io.kamwarehouse.generate.GenerationReport;
import io.kamwarehouse.pipeline.Pipeline;
import io.kamwarehouse.runtime.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw demo}: generate the sample extracts, run the whole pipeline, print a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate sample extracts, run the whole pipeline on them and print a summary.",
            "Running it again gives the same tables: files already ingested are skipped."})
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--scale", paramLabel = "N", description = "Size multiplier of the sample (default: ${DEFAULT-VALUE}).")
    double scale = 1.0;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 42L;

    @Override
    public Integer call() {
        final GenerationReport report = GenerateCommand.generate(main.config(), scale, seed, null, main.progress());
        final RunContext ctx = main.context();
        ctx.progress().say(String.format("generated %,d rows for drop %s", report.totalRows(), report.dropDate()));
        final Pipeline.Result result = new Pipeline(ctx).run(Optional.empty());
        Summaries.printIngest(System.out, result.ingested(), ctx.warehouse().root());
        System.out.printf("demo finished in %.1fs; try: bin/kamw status, bin/kamw sql \"select * from quarantine limit 5\"%n",
                ctx.progress().elapsed().toMillis() / 1000.0);
        return IngestCommand.exitCode(result.ingested());
    }
}

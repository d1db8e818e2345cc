package io.kamwarehouse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kamwarehouse.generate.GeneratorOptions;
import io.kamwarehouse.runtime.WarehouseConfig;
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
        final WarehouseConfig cfg = main.config();
        main.takeLease();
        if (alreadyGenerated(cfg)) {
            main.progress().say("sample extracts (scale " + scale + ", seed " + seed + ") are already in " + cfg.landingRoot()
                    + "; not written again");
        } else {
            final GenerationReport report = GenerateCommand.generate(cfg, scale, seed, null, main.progress());
            main.progress().say(String.format("generated %,d rows for drop %s", report.totalRows(), report.dropDate()));
        }
        final RunContext ctx = main.writingContext();
        Pipeline.Result result = new Pipeline(ctx).run(Optional.empty());
        // Payroll pays the bonus run's instructions: its ledger (with a few exceptions) comes back in the
        // finance drop, and the pipeline takes it in (an incremental run: the reconciliation and what feeds it).
        final Path ledgerDir = cfg.landingIsLocal() ? GenerateCommand.ledgerDir(cfg, scale, seed) : null;
        if (ledgerDir != null && !Files.exists(ledgerDir.resolve(GenerateCommand.LEDGER_FILE))) {
            final io.kamwarehouse.generate.PayrollLedger.Report ledger = io.kamwarehouse.generate.PayrollLedger.write(ctx.warehouse(),
                    ledgerDir, seed);
            if (ledger != null) {
                main.progress().say("payroll ledger written: " + ledger.file() + "; taking it in");
                result = result.and(new Pipeline(ctx).run(Optional.empty()));
                GenerateCommand.printLedger(ledger);
            }
        }
        Summaries.printIngest(System.out, result.ingested(), ctx.warehouse().root());
        Summaries.printBuilt(System.out, result.built());
        System.out.printf("demo finished in %.1fs; try: bin/kamw status, bin/kamw sql \"select * from quarantine limit 5\"%n",
                ctx.progress().elapsed().toMillis() / 1000.0);
        return Summaries.exitCode(result.ingested(), result.built());
    }

    /**
     * True when the landing folder already holds the full sample drop of this scale and seed (its
     * manifests say so): a second demo then ingests nothing new instead of rewriting the files.
     */
    private boolean alreadyGenerated(final WarehouseConfig cfg) {
        if (!cfg.landingIsLocal()) {
            return false;
        }
        final Path landing = cfg.localLanding("the demo reads");
        final String drop = GeneratorOptions.defaults().withScale(scale).withSeed(seed).fullDropDate().toString();
        for (final String source : List.of("crm", "finance", "survey")) {
            final Path manifest = landing.resolve(source).resolve(drop).resolve("_manifest.json");
            try {
                if (!Files.exists(manifest)) {
                    return false;
                }
                final JsonNode generator = new ObjectMapper().readTree(manifest.toFile()).path("generator");
                if (generator.path("seed").asLong() != seed || generator.path("scale").asDouble() != scale) {
                    return false;
                }
            } catch (final IOException e) {
                return false;
            }
        }
        return true;
    }
}

package io.kamwarehouse.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.generate.EntityReport;
import io.kamwarehouse.generate.GenerationReport;
import io.kamwarehouse.generate.GeneratorOptions;
import io.kamwarehouse.generate.SampleGenerator;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.WarehouseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw generate}: deterministic sample extracts of the CRM, finance and survey systems. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write deterministic sample extracts (CRM, finance, survey) into the landing folder.",
            "Scale 1 is a demo (~300 accounts, ~100 employees, 3 years, >=100,000 activities); it grows linearly."})
final class GenerateCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--scale", paramLabel = "N", description = "Size multiplier (default: ${DEFAULT-VALUE}).")
    double scale = 1.0;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed: same seed, same files (default: ${DEFAULT-VALUE}).")
    long seed = 42L;

    @Option(names = "--increment", paramLabel = "DAY",
            description = "Instead of the full history, write the drop of day DAY after it (its new and changed rows: about 0.1%% of the history).")
    Integer increment;

    @Option(names = "--payroll-ledger", description = {"Instead of extracts, write what payroll paid on the warehouse's bonus run "
        + "(fct_bonus's due payments, with a few told exceptions) as finance/<drop>/bonus_payouts.csv of the full history's drop; "
        + "the next pipeline takes it in and the bonus reconciliation compares it. Needs a pipeline run on that drop first "
        + "(kamw demo does both)."})
    boolean payrollLedger;

    @Override
    public Integer call() {
        final WarehouseConfig cfg = main.config();
        if (payrollLedger) {
            if (increment != null) {
                throw new KamwException("--payroll-ledger writes the ledger of the full history's drop; it does not go with --increment");
            }
            final Path dir = ledgerDir(cfg, scale, seed);
            if (java.nio.file.Files.exists(dir.resolve(LEDGER_FILE))) {
                System.out.println("payroll ledger already in " + dir.resolve(LEDGER_FILE) + "; not written again");
                return 0;
            }
            final io.kamwarehouse.generate.PayrollLedger.Report ledger = io.kamwarehouse.generate.PayrollLedger.write(
                    main.context().warehouse(), dir, seed);
            if (ledger == null) {
                throw new KamwException("no bonus payment to pay in " + cfg.warehouseRoot() + ": fct_bonus is not built or "
                        + "holds no due payment; run kamw pipeline on the sample's drop first");
            }
            printLedger(ledger);
            return 0;
        }
        final GenerationReport report = generate(cfg, scale, seed, increment, main.progress());
        System.out.printf("generated %,d rows (%,d bytes) for drop %s in %.1fs into %s%n", report.totalRows(),
                report.totalBytes(), report.dropDate(), report.elapsed().toMillis() / 1000.0, cfg.landingRoot());
        return 0;
    }

    /** The payroll ledger's file name in its finance drop. */
    static final String LEDGER_FILE = "bonus_payouts.csv";

    /** The finance drop folder of the full history of this scale and seed, where payroll's ledger comes back. */
    static Path ledgerDir(final WarehouseConfig cfg, final double scale, final long seed) {
        return cfg.localLanding("the payroll ledger is written to").resolve("finance")
                .resolve(GeneratorOptions.defaults().withScale(scale).withSeed(seed).fullDropDate().toString());
    }

    static void printLedger(final io.kamwarehouse.generate.PayrollLedger.Report ledger) {
        System.out.printf("payroll ledger %s: %,d bonus payments paid on the bonus run's instructions, with %d exceptions:%n",
                ledger.file(), ledger.lines(), ledger.exceptions().size());
        ledger.exceptions().forEach(x -> System.out.println("  " + x));
    }

    static GenerationReport generate(final WarehouseConfig cfg, final double scale, final long seed, final Integer increment,
            final Progress progress) {
        final Path landing = cfg.localLanding("generate writes to");
        final GeneratorOptions options;
        try {
            options = new GeneratorOptions(scale, seed, GeneratorOptions.DEFAULT_HISTORY_END, GeneratorOptions.DEFAULT_YEARS);
        } catch (final IllegalArgumentException e) {
            throw new KamwException(e.getMessage());
        }
        progress.say("generating sample extracts (scale " + scale + ", seed " + seed + ") into " + landing);
        final SampleGenerator generator = new SampleGenerator(options, landing, progress::say);
        final GenerationReport report = increment == null ? generator.generateFull() : generator.generateIncrement(increment);
        for (final EntityReport e : report.entities()) {
            progress.say(String.format("  %s.%s: %,d rows, %d defects injected", e.source(), e.entity(), e.rows(),
                    e.defectsByRule().values().stream().mapToLong(Long::longValue).sum()));
        }
        return report;
    }
}

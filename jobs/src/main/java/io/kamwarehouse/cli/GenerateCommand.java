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

    @Override
    public Integer call() {
        final WarehouseConfig cfg = main.config();
        final GenerationReport report = generate(cfg, scale, seed, increment, main.progress());
        System.out.printf("generated %,d rows (%,d bytes) for drop %s in %.1fs into %s%n", report.totalRows(),
                report.totalBytes(), report.dropDate(), report.elapsed().toMillis() / 1000.0, cfg.landingRoot());
        return 0;
    }

    static GenerationReport generate(final WarehouseConfig cfg, final double scale, final long seed, final Integer increment,
            final Progress progress) {
        if (!cfg.landingRoot().startsWith("file:")) {
            throw new KamwException("generate writes to a local landing folder; " + cfg.landingRoot()
                    + " is not one (use --landing PATH)");
        }
        final GeneratorOptions options;
        try {
            options = new GeneratorOptions(scale, seed, GeneratorOptions.DEFAULT_HISTORY_END, GeneratorOptions.DEFAULT_YEARS);
        } catch (final IllegalArgumentException e) {
            throw new KamwException(e.getMessage());
        }
        final Path landing = WarehouseConfig.localPath(cfg.landingRoot());
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

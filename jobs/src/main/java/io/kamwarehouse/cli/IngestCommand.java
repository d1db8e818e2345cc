package io.kamwarehouse.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw ingest}: load pending landing drops, or any file, into bronze through the contracts. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Load raw extracts into bronze tables through their source contracts.",
            "Without --path: every pending drop in the landing folder (<landing>/<source>/<yyyy-MM-dd>/).",
            "With --path: the given file or folder, matched to a contract of --source."})
final class IngestCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--source", paramLabel = "NAME", description = "A source (crm) or one entity (crm.accounts).")
    String source;

    @Option(names = "--date", paramLabel = "yyyy-MM-dd",
            description = "Only this drop date; with --path, the drop date recorded for the file (default: today).")
    LocalDate date;

    @Option(names = "--path", paramLabel = "FILE_OR_FOLDER", description = "Load this file or folder (needs --source).")
    String path;

    @Option(names = "--retry", paramLabel = "FILE", description = "Try this file again although it was refused before and has "
            + "not changed since (a refused file is otherwise not tried again until it changes): its name or path; repeatable.")
    List<String> retry = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        if (path != null && source == null) {
            throw new KamwException("--path needs --source NAME (for example --source maven_crm, or --source crm.accounts)");
        }
        // contract errors and unknown names before Spark starts
        final io.kamwarehouse.contracts.ContractCatalog contracts = main.contracts();
        if (source != null) {
            final boolean entity = source.contains(".");
            final java.util.List<String> known = entity ? contracts.all().stream().map(io.kamwarehouse.contracts.Contract::qualifiedName)
                    .toList() : java.util.List.copyOf(contracts.sources());
            if (!known.contains(source)) {
                source = io.kamwarehouse.Names.ignoringCase(source, known).orElseThrow(() -> io.kamwarehouse.Names.unknown(entity ? "source entity" : "source", source,
                        known, "kamw ingest --help"));
            }
        }
        final RunContext ctx = main.writingContext();
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        final Landing.Scan scan = path != null
                ? landing.fromPath(path, source, date == null ? LocalDate.now() : date)
                : landing.scan(Optional.ofNullable(source), Optional.ofNullable(date));
        if (scan.batches().isEmpty() && scan.unrecognised().isEmpty()) {
            scan.warnings().forEach(w -> ctx.progress().say("warning: " + w));
            System.out.println("nothing to ingest" + (date == null ? "" : " for " + date)
                    + " in " + ctx.warehouse().config().landingRoot());
            return 0;
        }
        for (final String r : retry) {
            final boolean found = scan.batches().stream().flatMap(b -> b.files().stream()).anyMatch(f -> IngestService.names(List.of(r), f))
                    || scan.unrecognised().stream().anyMatch(u -> IngestService.names(List.of(r), u.file()));
            if (!found) {
                throw new KamwException("--retry " + r + ": no such file waiting in " + ctx.warehouse().config().landingRoot()
                        + (date == null ? "" : " for " + date) + " (give its name as kamw status or the run log shows it, or its path)");
            }
        }
        final List<IngestResult> results = new IngestService(ctx).retrying(path != null
                // a file given by --path is asked for: tried whatever happened to it before
                ? scan.batches().stream().flatMap(b -> b.files().stream()).map(io.kamwarehouse.ingest.LandingFile::path).toList()
                : retry).ingest(scan);
        Summaries.printIngest(System.out, results, ctx.warehouse().root());
        return exitCode(results);
    }

    static int exitCode(final List<IngestResult> results) {
        for (final IngestResult r : results) {
            if (r.status() == RunStatus.REJECTED) {
                return KamwException.EXIT_INPUT;
            }
            if (r.status() == RunStatus.FAILED) {
                return KamwException.EXIT_FAILED;
            }
        }
        return 0;
    }
}

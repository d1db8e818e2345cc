package io.kamwarehouse.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.ingest.IngestedFiles;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.ingest.LandingFile;
import io.kamwarehouse.jobs.BuildPlan;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;

/**
 * The warehouse's side of a dry run ({@code run --dry-run}, {@code pipeline --dry-run}): after the
 * arguments, what the run would find now. Per source entity: the drops with files not loaded yet,
 * or that there are none (a drop that does not exist). Per table, as its build would decide it:
 * up to date, would build (a first build, the inputs that moved, a changed query, the periods it
 * would recompute) and which checks then run, would skip (an input missing), or decided in the run
 * (an input this run changes first). Nothing is written and no lease is taken. Where the warehouse
 * cannot be read from here (an object store without its file system, as the DAG files' check
 * runs), it says the state was not checked.
 */
final class DryRun {

    private final Main main;

    DryRun(final Main main) {
        this.main = main;
    }

    /** True when the warehouse holds tables and can be read from this process, without starting Spark. */
    boolean warehouseReadable() {
        try {
            final org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(main.config().warehouseRoot() + "/meta/run_log/_delta_log");
            return log.getFileSystem(new org.apache.hadoop.conf.Configuration()).exists(log);
        } catch (final java.io.IOException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Prints what the run would find for the bronze tables of {@code contracts} and then the
     * {@code tables} in their order; returns the number of tables that would build.
     */
    int print(final Collection<Contract> contracts, final List<TableSpec> tables, final Landing.Drops drops) {
        if (!warehouseReadable()) {
            System.err.println("kamw: the warehouse " + main.config().warehouseRoot() + " has no tables yet or cannot be read from here: "
                    + "what the run would find was not checked (every table would be built where its inputs exist)");
            return tables.size();
        }
        final RunContext ctx = main.context();
        final String writer = StatusCommand.writer(ctx.warehouse());
        if (!writer.startsWith("none")) {
            // the real command takes the lease first: it would stop (exit 75) or wait, or take over an interrupted run
            System.out.println("now: lease: " + (writer.startsWith("interrupted") ? writer
                    : writer + "; the run would stop with exit code 75 (or wait for it with --wait)"));
        }
        final Set<String> changing = new LinkedHashSet<>();
        if (!contracts.isEmpty()) {
            final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
            final Landing.Scan scan = landing.scan(Optional.empty(), drops);
            final IngestedFiles loaded = new IngestedFiles(ctx.warehouse());
            final io.kamwarehouse.ingest.FileInspector inspector = new io.kamwarehouse.ingest.FileInspector(ctx.warehouse().hadoopConf());
            for (final Contract c : contracts) {
                final List<String> pending = new ArrayList<>();
                boolean dropped = false;
                for (final Landing.Batch b : scan.batches()) {
                    if (!b.contract().qualifiedName().equals(c.qualifiedName())) {
                        continue;
                    }
                    dropped = true;
                    final IngestedFiles.Seen seen = loaded.seen(c.qualifiedName());
                    // as the ingest decides: the same path, size and time, else the same content (a file moved or copied)
                    final long fresh = b.files().stream().filter(f -> !seen.hasStamp(f)
                            && !seen.checksums().contains(inspector.checksum(f.path()))).count();
                    if (fresh > 0) {
                        pending.add(b.dropDate() + " (" + fresh + " file" + (fresh == 1 ? "" : "s") + ": "
                                + String.join(", ", b.files().stream().map(LandingFile::name).toList()) + ")");
                    }
                }
                if (!dropped) {
                    System.out.println("now: ingest " + c.qualifiedName() + ": no drop of it in the landing folder" + drops.describe());
                } else if (pending.isEmpty()) {
                    System.out.println("now: ingest " + c.qualifiedName() + ": nothing new in the landing folder" + drops.describe()
                            + " (every file there is loaded)");
                } else {
                    changing.add(c.bronzeTable());
                    System.out.println("now: ingest " + c.qualifiedName() + ": would load " + String.join(", ", pending));
                }
            }
            scan.unrecognised().forEach(u -> System.out.println("now: would refuse " + u.file().name() + ": " + u.reason()));
        }
        int building = 0;
        int upToDate = 0;
        for (final TableSpec spec : tables) {
            BuildPlan.Verdict v;
            try {
                v = BuildPlan.assess(ctx, spec, changing);
            } catch (final RuntimeException e) {
                v = new BuildPlan.Verdict(BuildPlan.State.DECIDED_THEN, "cannot tell now: " + io.kamwarehouse.ingest.IngestService
                        .rootMessage(e));
            }
            if (v.writes()) {
                changing.add(spec.name());
                building++;
            } else if (v.state() == BuildPlan.State.UP_TO_DATE) {
                upToDate++;
            }
            final long checks = spec.checks().size();
            System.out.println("now: build " + spec.name() + ": " + v.state().text() + ": " + v.why()
                    + (v.writes() && checks > 0 ? "; then its " + checks + " check" + (checks == 1 ? "" : "s") + " ("
                    + String.join(", ", spec.checks().stream().limit(6).map(io.kamwarehouse.spec.CheckSpec::name).toList())
                    + (checks > 6 ? ", ..." : "") + ")" : ""));
        }
        if (!tables.isEmpty()) {
            System.out.println("now: " + tables.size() + " table" + (tables.size() == 1 ? "" : "s") + ": " + upToDate + " up to date, "
                    + building + " would build or be decided in the run, " + (tables.size() - upToDate - building) + " would skip");
        }
        return building;
    }
}

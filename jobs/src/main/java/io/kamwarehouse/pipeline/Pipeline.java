package io.kamwarehouse.pipeline;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.ingest.IngestService;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;

/**
 * Runs what is due, in dependency order, in one Spark session: every pending landing batch into
 * bronze, then every table with a spec (silver, gold), each followed by its data checks. Each
 * step is recorded in the run log by the service that runs it.
 */
public final class Pipeline {

    private final RunContext ctx;

    public Pipeline(final RunContext ctx) {
        this.ctx = ctx;
    }

    /** The outcome of a pipeline run: the batches ingested and the tables built. */
    public record Result(List<IngestResult> ingested, List<TableRunner.Built> built) {

        /** True when every step succeeded or had nothing to do. */
        public boolean ok() {
            return ingested.stream().allMatch(r -> RunRecord.SUCCEEDED.equals(r.status())
                    || (RunRecord.SKIPPED.equals(r.status()) && r.message() != null && !r.message().startsWith("not loaded")))
                    && built.stream().allMatch(b -> RunRecord.SUCCEEDED.equals(b.status())
                    || (RunRecord.SKIPPED.equals(b.status()) && b.job() != null));
        }

        public List<IngestResult> problems() {
            final List<IngestResult> out = new ArrayList<>();
            for (final IngestResult r : ingested) {
                if (RunRecord.REJECTED.equals(r.status()) || RunRecord.FAILED.equals(r.status())
                        || (r.message() != null && r.message().startsWith("not loaded"))) {
                    out.add(r);
                }
            }
            return out;
        }
    }

    /** Ingests every pending drop (or only {@code date}'s), then builds every table from its spec. */
    public Result run(final Optional<LocalDate> date) {
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(),
                ctx.contracts());
        ctx.progress().say("scanning landing " + ctx.warehouse().config().landingRoot());
        final Landing.Scan scan = landing.scan(Optional.empty(), date);
        final List<IngestResult> results = new IngestService(ctx).ingest(scan);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        ctx.progress().say("building " + specs.all().size() + " tables from their specs");
        final List<TableRunner.Built> built = new TableRunner(ctx).build(specs.all(), JobOptions.INCREMENTAL);
        return new Result(results, built);
    }
}

package io.kamwarehouse.ingest;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;

/**
 * Loads scanned batches one after the other, recording each in the run log. A batch that is
 * refused (bad file) or fails does not stop the others, but the entities that reference it in
 * the same run wait for the next run rather than quarantine rows against a missing parent.
 */
public final class IngestService {

    private final RunContext ctx;
    private final BronzeIngestor ingestor;
    private final List<RunRecord> pendingRuns = new ArrayList<>();
    private final RefusedFiles refused;
    private java.util.Collection<String> retry = List.of();

    public IngestService(final RunContext ctx) {
        this.ctx = ctx;
        this.ingestor = new BronzeIngestor(ctx.warehouse(), ctx.contracts());
        this.refused = new RefusedFiles(ctx.warehouse());
    }

    /**
     * Tries these files again even though they were refused before and have not changed
     * ({@code kamw ingest --retry}): a file name, or a path or its ending.
     */
    public IngestService retrying(final java.util.Collection<String> files) {
        this.retry = List.copyOf(files);
        return this;
    }

    /** True when {@code f} is named by one of {@code names} (its name, its path, or the path's ending). */
    public static boolean names(final java.util.Collection<String> names, final LandingFile f) {
        return names.stream().anyMatch(n -> n.equals(f.name()) || n.equals(f.path()) || f.path().endsWith("/" + n));
    }

    /** The earlier refusal of a batch whose every file was refused together before and is unchanged, unless retried. */
    private java.util.Optional<RefusedFiles.Refusal> refusedEarlier(final String entity, final List<LandingFile> files) {
        final String together = together(files);
        RefusedFiles.Refusal found = null;
        for (final LandingFile f : files) {
            if (names(retry, f) || entity != null && ingestor.loaded(entity, f)) {
                return java.util.Optional.empty();
            }
            final java.util.Optional<RefusedFiles.Refusal> r = refused.earlier(f);
            if (r.isEmpty() || !together.equals(r.get().batchFiles())) {
                return java.util.Optional.empty();
            }
            found = r.get();
        }
        return java.util.Optional.ofNullable(found);
    }

    /** The names of a batch's files as a refusal records them: a refusal holds for exactly these files together. */
    private static String together(final List<LandingFile> files) {
        return String.join(",", files.stream().map(LandingFile::name).toList());
    }

    private static String notRetried(final RefusedFiles.Refusal r, final List<String> files) {
        return "refused on " + r.at().toString().replaceFirst("\\.\\d+$", "") + " and unchanged since, so not tried again ("
                + r.reason() + "); once it is fixed: kamw ingest --retry " + String.join(" --retry ", files);
    }

    /** Loads every batch of a scan; returns one result per batch and per unrecognised file. */
    public List<IngestResult> ingest(final Landing.Scan scan) {
        try {
            return ingestAll(scan);
        } finally {
            // File records and run records are committed once per call, not once per batch.
            ingestor.flush();
            refused.flush();
            ctx.runLog().append(pendingRuns);
            pendingRuns.clear();
        }
    }

    private List<IngestResult> ingestAll(final Landing.Scan scan) {
        scan.warnings().forEach(w -> ctx.progress().say("warning: " + w));
        final List<IngestResult> results = new ArrayList<>();
        final Set<String> broken = new HashSet<>();
        int n = 0;
        for (final Landing.Batch batch : scan.batches()) {
            n++;
            final Contract c = batch.contract();
            final String label = "[" + n + "/" + scan.batches().size() + "] " + c.qualifiedName() + " " + batch.dropDate();
            final String upstream = brokenUpstream(c, broken);
            final Instant start = Instant.now();
            final String runId = RunContext.newRunId();
            final java.util.Optional<RefusedFiles.Refusal> refusedBefore = upstream != null ? java.util.Optional.empty()
                    : refusedEarlier(c.qualifiedName(), batch.files());
            IngestResult result;
            if (upstream != null) {
                broken.add(c.qualifiedName());
                result = new IngestResult(c.qualifiedName(), c.bronzeTable(), batch.dropDate(), names(batch),
                        null, RunStatus.BLOCKED, 0, 0, 0, Map.of(), -1,
                        "not loaded: it references " + upstream + ", whose batch failed in this run; it stays pending",
                        Duration.ZERO);
            } else if (refusedBefore.isPresent()) {
                // refused before and unchanged: reported, not tried again, and the batches that reference it go on
                result = new IngestResult(c.qualifiedName(), c.bronzeTable(), batch.dropDate(), names(batch), null,
                        RunStatus.SKIPPED, 0, 0, 0, Map.of(), -1, notRetried(refusedBefore.get(), names(batch)), Duration.ZERO);
            } else {
                ctx.progress().say(label + ": loading " + String.join(", ", names(batch)));
                try {
                    result = ingestor.ingest(c, batch.dropDate(), batch.files(), runId);
                } catch (final KamwException e) {
                    broken.add(c.qualifiedName());
                    result = failed(batch, RunStatus.REJECTED, e.getMessage(), start);
                    batch.files().forEach(f -> refused.record(c.qualifiedName(), batch.dropDate(), f, e.getMessage(), runId,
                            together(batch.files())));
                } catch (final Exception e) {
                    // includes Spark's AnalysisException, which Java sees as checked
                    broken.add(c.qualifiedName());
                    result = failed(batch, RunStatus.FAILED, rootMessage(e), start);
                }
            }
            ctx.progress().say(label + ": " + describe(result));
            record(runId, result, start);
            results.add(result);
        }
        for (final Landing.Unrecognised u : scan.unrecognised()) {
            final Instant start = Instant.now();
            final java.util.Optional<RefusedFiles.Refusal> before = refusedEarlier(null, List.of(u.file()));
            final String runId = RunContext.newRunId();
            final IngestResult r;
            if (before.isPresent()) {
                r = new IngestResult("?", null, u.file().dropDate(), List.of(u.file().name()), null, RunStatus.SKIPPED, 0, 0, 0,
                        Map.of(), -1, notRetried(before.get(), List.of(u.file().name())), Duration.ZERO);
                ctx.progress().say("not retried: " + u.file().name() + " " + r.message());
            } else {
                r = new IngestResult("?", null, u.file().dropDate(), List.of(u.file().name()), null,
                        RunStatus.REJECTED, 0, 0, 0, Map.of(), -1, u.reason(), Duration.ZERO);
                ctx.progress().say("rejected: " + u.reason());
                refused.record(null, u.file().dropDate(), u.file(), u.reason(), runId, together(List.of(u.file())));
            }
            record(runId, r, start);
            results.add(r);
        }
        return results;
    }

    /** One line for a result: rows loaded and quarantined, or why nothing was. */
    public static String describe(final IngestResult r) {
        if (r.status() == RunStatus.SUCCEEDED) {
            return String.format("%,d rows: %,d loaded, %,d quarantined%s -> %s v%d (%.1fs)", r.rowsRead(), r.rowsLoaded(),
                    r.rowsQuarantined(), r.quarantinedByRule().isEmpty() ? "" : " " + r.quarantinedByRule(),
                    r.bronzeTable(), r.bronzeVersion(), r.elapsed().toMillis() / 1000.0);
        }
        return r.status() + ": " + r.message();
    }

    private String brokenUpstream(final Contract c, final Set<String> broken) {
        for (final ContractColumn col : c.columns()) {
            if (col.references() != null && !col.references().qualifiedEntity().equals(c.qualifiedName())
                    && broken.contains(col.references().qualifiedEntity())) {
                return col.references().qualifiedEntity();
            }
        }
        return null;
    }

    private void record(final String runId, final IngestResult r, final Instant start) {
        final String args = "entity=" + r.entity() + " drop_date=" + r.dropDate() + " files=" + String.join(",", r.files());
        pendingRuns.add(new RunRecord(runId, ctx.pipelineRunId(), "ingest " + r.entity(), args,
                Timestamp.from(start), Timestamp.from(Instant.now()), r.status(), ingestor.lastInputVersions(),
                r.bronzeTable(), r.bronzeVersion() < 0 ? null : r.bronzeVersion(), r.rowsRead(), r.rowsLoaded(),
                r.rowsQuarantined(), r.message() == null || r.message().isEmpty() ? null : r.message()));
    }

    private static IngestResult failed(final Landing.Batch b, final RunStatus status, final String message, final Instant start) {
        return new IngestResult(b.contract().qualifiedName(), b.contract().bronzeTable(), b.dropDate(), names(b), null,
                status, 0, 0, 0, Map.of(), -1, message, Duration.between(start, Instant.now()));
    }

    private static List<String> names(final Landing.Batch b) {
        return b.files().stream().map(LandingFile::name).toList();
    }

    /** The innermost cause's message, first line only: what went wrong, without the stack. */
    public static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        final String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        final int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)) + (t == e ? "" : " (" + t.getClass().getSimpleName() + ")");
    }
}

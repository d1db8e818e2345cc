package io.kamwarehouse.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deterministic generator of realistic raw extracts (CRM, finance, survey) matching the source contracts
 * in {@code schemas/sources}. Plain Java (plus parquet-hadoop for the one Parquet extract), streaming:
 * rows are written one by one, only parent ids and dates are held in memory.
 *
 * <p>Layout: {@code <landingRoot>/<source>/<yyyy-MM-dd>/<file>} plus a {@code _manifest.json} per
 * source folder listing, per entity, the files, data rows and injected defects per quarantine rule.
 * Regenerating a drop first empties its folders, and the same options give byte-identical files.
 */
public final class SampleGenerator {

    static final String MANIFEST = "_manifest.json";
    private static final List<String> SOURCES = List.of(Specs.CRM, Specs.FINANCE, Specs.SURVEY);

    private final GeneratorOptions options;
    private final Path landingRoot;
    private final ProgressListener progress;
    private World world;

    public SampleGenerator(final GeneratorOptions options, final Path landingRoot, final ProgressListener progress) {
        this.options = Objects.requireNonNull(options, "options");
        this.landingRoot = Objects.requireNonNull(landingRoot, "landingRoot");
        this.progress = progress == null ? ProgressListener.silent() : progress;
    }

    public GeneratorOptions options() {
        return options;
    }

    private World world() {
        if (world == null) {
            final long t0 = System.nanoTime();
            world = new World(options);
            progress.progress(String.format(java.util.Locale.ROOT,
                    "model ready: %d teams, %d employees, %d accounts, %d contacts, %d opportunities (%d ms)",
                    world.nTeams, world.nEmp, world.nAcc, world.nContacts, world.nOpp,
                    (System.nanoTime() - t0) / 1_000_000));
        }
        return world;
    }

    /** The initial drop: full history ending {@code historyEnd}, dated {@code historyEnd + 1 day}. */
    public GenerationReport generateFull() {
        final long t0 = System.nanoTime();
        final World w = world();
        final LocalDate dropDate = options.fullDropDate();
        progress.progress("full drop " + dropDate + " into " + landingRoot);
        final Drop drop = new Drop(w, (int) dropDate.toEpochDay(), 0, landingRoot, progress);
        for (final String source : SOURCES) {
            drop.prepare(source);
        }
        new CrmWriter(drop).writeAll();
        writeManifest(drop, Specs.CRM, "full");
        new FinanceWriter(drop).writeAll();
        writeManifest(drop, Specs.FINANCE, "full");
        new SurveyWriter(drop).writeAll();
        writeManifest(drop, Specs.SURVEY, "full");
        return report(drop, dropDate, t0);
    }

    /**
     * Increment {@code day} (>= 1): the drop of date {@code historyEnd + 1 + day} with the new and changed
     * rows of event day {@code historyEnd + day}: activities, tickets, NPS responses, FX rates, payments
     * (and the invoices they settle), opportunities that moved stage (with their stage history), accounts
     * whose tier or owner changed, employees who changed team or role. Other entities are absent.
     */
    public GenerationReport generateIncrement(final int day) {
        if (day < 1) {
            throw new IllegalArgumentException("increment day must be >= 1 (day 1 is the drop after the full drop), got " + day);
        }
        final long t0 = System.nanoTime();
        final World w = world();
        final LocalDate dropDate = options.incrementDropDate(day);
        progress.progress("increment " + day + " (drop " + dropDate + ") into " + landingRoot);
        final Drop drop = new Drop(w, (int) dropDate.toEpochDay(), day, landingRoot, progress);
        for (final String source : SOURCES) {
            drop.prepare(source);
        }
        final IncrementWriter writer = new IncrementWriter(drop, day);
        writer.writeCrm();
        writeManifest(drop, Specs.CRM, "increment");
        writer.writeFinance();
        writeManifest(drop, Specs.FINANCE, "increment");
        writer.writeSurvey();
        writeManifest(drop, Specs.SURVEY, "increment");
        return report(drop, dropDate, t0);
    }

    private GenerationReport report(final Drop drop, final LocalDate dropDate, final long t0) {
        long rows = 0;
        long bytes = 0;
        for (final EntityReport r : drop.reports) {
            rows += r.rows();
            for (final Path f : r.files()) {
                try {
                    bytes += Files.size(f);
                } catch (final IOException e) {
                    throw new UncheckedIOException("cannot stat " + f, e);
                }
            }
        }
        final Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        progress.progress("drop " + dropDate + ": " + Fmt.count(rows) + " rows, " + Fmt.count(bytes) + " bytes in "
                + elapsed.toMillis() + " ms");
        return new GenerationReport(dropDate, drop.reports, rows, bytes, elapsed);
    }

    private void writeManifest(final Drop drop, final String source, final String kind) {
        final StringBuilder sb = new StringBuilder(2048);
        sb.append("{\n");
        field(sb, "  ", "source", source).append(",\n");
        field(sb, "  ", "drop_date", Fmt.date(drop.dropDay)).append(",\n");
        field(sb, "  ", "drop_kind", kind).append(",\n");
        sb.append("  \"increment_day\": ").append(drop.ordinal).append(",\n");
        sb.append("  \"generator\": {\n");
        sb.append("    \"seed\": ").append(options.seed()).append(",\n");
        sb.append("    \"scale\": ").append(options.scale()).append(",\n");
        field(sb, "    ", "history_start", options.historyStart().toString()).append(",\n");
        field(sb, "    ", "history_end", options.historyEnd().toString()).append(",\n");
        sb.append("    \"years\": ").append(options.years()).append('\n');
        sb.append("  },\n");
        sb.append("  \"entities\": [");
        final List<EntityReport> reports = drop.reportsOf(source);
        for (int i = 0; i < reports.size(); i++) {
            final EntityReport r = reports.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\n");
            field(sb, "      ", "entity", r.entity()).append(",\n");
            sb.append("      \"files\": [");
            for (int f = 0; f < r.files().size(); f++) {
                if (f > 0) {
                    sb.append(", ");
                }
                Json.appendString(sb, r.files().get(f).getFileName().toString());
            }
            sb.append("],\n");
            sb.append("      \"rows\": ").append(r.rows()).append(",\n");
            sb.append("      \"clean_rows\": ").append(r.rows() - r.defectRows()).append(",\n");
            sb.append("      \"defect_rows\": ").append(r.defectRows()).append(",\n");
            sb.append("      \"defects\": {");
            int k = 0;
            for (final Map.Entry<String, Long> e : r.defectsByRule().entrySet()) {
                sb.append(k++ == 0 ? "" : ", ");
                Json.appendString(sb, e.getKey()).append(": ").append(e.getValue());
            }
            sb.append("}\n    }");
        }
        sb.append(reports.isEmpty() ? "]\n" : "\n  ]\n").append("}\n");
        final Path path = drop.dir(source).resolve(MANIFEST);
        try {
            Files.writeString(path, sb.toString(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    private static StringBuilder field(final StringBuilder sb, final String indent, final String name, final String value) {
        sb.append(indent);
        Json.appendString(sb, name).append(": ");
        return Json.appendString(sb, value);
    }
}

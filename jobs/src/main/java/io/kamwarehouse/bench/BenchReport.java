package io.kamwarehouse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The figures of one benchmark run: every measured step, the ratios the targets are stated in, and
 * the facts around them (scale, threads, whether both engines' aggregates agree). Written as a CSV of
 * steps, a JSON document with everything, and a short text report, so two runs can be compared.
 */
public final class BenchReport {

    /** A ratio and the target it is read against ({@code null} when informational). */
    public record Ratio(String name, String definition, double value, Double target, String note) {

        /** {@code met}, {@code missed} or {@code -} (no target, or not measured). */
        public String verdict() {
            if (target == null || Double.isNaN(value)) {
                return "-";
            }
            return value <= target ? "met" : "missed";
        }
    }

    private final List<Measure> measures;
    private final Map<String, Object> facts;

    BenchReport(final List<Measure> measures, final Map<String, Object> facts) {
        this.measures = List.copyOf(measures);
        this.facts = new TreeMap<>(facts);
    }

    public List<Measure> measures() {
        return measures;
    }

    public Map<String, Object> facts() {
        return facts;
    }

    /** The whole-stage measure of a phase and stage, if it ran. */
    public Optional<Measure> stage(final String phase, final String stage) {
        return measures.stream().filter(m -> m.wholeStage() && m.phase().equals(phase) && m.stage().equals(stage)).findFirst();
    }

    private double seconds(final String phase, final String stage) {
        return stage(phase, stage).map(Measure::seconds).orElse(Double.NaN);
    }

    /** The ratios of the targets, computed from this run. */
    public List<Ratio> ratios() {
        final double full = seconds("full", "pipeline");
        final double sparkCopy = seconds("baseline", "spark_copy");
        final double duckCopy = seconds("baseline", "duckdb_copy");
        final double sparkAgg = seconds("baseline", "spark_aggregate");
        final double duckAgg = seconds("baseline", "duckdb_aggregate");
        final double increment = seconds("increment", "pipeline");
        final double again = seconds("again", "pipeline");
        final double freshRun = seconds("full", "spark_start") + full;
        final long peak = measures.stream().mapToLong(Measure::peakRssMib).max().orElse(-1);
        final List<Ratio> out = new ArrayList<>();
        out.add(new Ratio("full_vs_spark_copy", "full pipeline / plain Spark copy of the raw extracts into Delta",
                full / sparkCopy, 2.0, "target at scale 100"));
        out.add(new Ratio("full_vs_duckdb_copy", "full pipeline / DuckDB copy of the same extracts to Parquet",
                full / duckCopy, null, "informational: the pipeline also validates, quarantines and builds every table"));
        out.add(new Ratio("spark_copy_vs_duckdb_copy", "shared step: Spark copy / DuckDB copy", sparkCopy / duckCopy, 3.0,
                "target: within 3x of DuckDB on the shared steps"));
        out.add(new Ratio("spark_aggregate_vs_duckdb_aggregate", "shared step: the same aggregation SQL, Spark / DuckDB",
                sparkAgg / duckAgg, 3.0, "target: within 3x of DuckDB on the shared steps"));
        out.add(new Ratio("increment_vs_full", "incremental day / full build", increment / full, 0.05, "target at scale 100"));
        final int lastDay = lastDay();
        if (lastDay > 1) {
            out.add(new Ratio("last_day_vs_full", "incremental day " + lastDay + " / full build (each table built by period measured "
                    + "both ways by then: the cost rule's choices)", seconds(Bench.dayPhase(lastDay), "pipeline") / full, 0.05,
                    "target at scale 100"));
        }
        out.add(new Ratio("nothing_new_seconds", "the pipeline run again with nothing new, Spark started, in seconds", again, 10.0,
                "target: 10 s"));
        if (stage("dag", "tasks").isPresent()) {
            out.add(new Ratio("dag_tasks_vs_pipeline", "the DAG's tasks, each a JVM of its own, summed / one kamw pipeline of the same "
                    + "day in a JVM of its own", seconds("dag", "tasks") / seconds("dag", "cold_pipeline"), 2.0, "target: 2x"));
        }
        out.add(new Ratio("fresh_run_seconds", "Spark start + full pipeline, in seconds", freshRun,
                ((Number) facts.get("scale")).doubleValue() <= 1.0 ? 60.0 : null, "target for the demo (scale 1): 60 s"));
        out.add(new Ratio("peak_rss_mib", "the process's peak resident memory over the run, MiB", peak < 0 ? Double.NaN : peak,
                8192.0, "target: 8 GiB"));
        return out;
    }

    // ---------------------------------------------------------------- writers

    /** Writes {@code steps.csv}, {@code bench.json} and {@code report.txt} into {@code dir}; returns the text report. */
    public String write(final Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("steps.csv"), csv(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("bench.json"), json(), StandardCharsets.UTF_8);
            final String text = text();
            Files.writeString(dir.resolve("report.txt"), text, StandardCharsets.UTF_8);
            return text;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the benchmark report into " + dir, e);
        }
    }

    String csv() {
        final StringBuilder sb = new StringBuilder(
                "phase,stage,step,seconds,rows_in,rows_out,rows_per_second,peak_rss_mib,peak_heap_mib,status,note\n");
        for (final Measure m : measures) {
            sb.append(String.join(",", m.phase(), m.stage(), csvField(m.step()), Measure.fmt(m.seconds()),
                    String.valueOf(m.rowsIn()), String.valueOf(m.rowsOut()), String.format(Locale.ROOT, "%.0f", m.rowsPerSecond()),
                    String.valueOf(m.peakRssMib()), String.valueOf(m.peakHeapMib()), m.status(), csvField(m.note()))).append('\n');
        }
        return sb.toString();
    }

    private static String csvField(final String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    String json() {
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("facts", facts);
        final List<Map<String, Object>> ratios = new ArrayList<>();
        for (final Ratio r : ratios()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("definition", r.definition());
            m.put("value", Double.isNaN(r.value()) || Double.isInfinite(r.value()) ? null : round(r.value()));
            m.put("target", r.target());
            m.put("verdict", r.verdict());
            m.put("note", r.note());
            ratios.add(m);
        }
        doc.put("ratios", ratios);
        final List<Map<String, Object>> steps = new ArrayList<>();
        for (final Measure x : measures) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("phase", x.phase());
            m.put("stage", x.stage());
            m.put("step", x.step());
            m.put("seconds", round(x.seconds()));
            m.put("rows_in", x.rowsIn());
            m.put("rows_out", x.rowsOut());
            m.put("rows_per_second", Math.round(x.rowsPerSecond()));
            m.put("peak_rss_mib", x.peakRssMib());
            m.put("peak_heap_mib", x.peakHeapMib());
            m.put("status", x.status());
            m.put("note", x.note());
            steps.add(m);
        }
        doc.put("steps", steps);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(final double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** The short text report: stages, the slowest table steps, the ratios against their targets. */
    public String text() {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "kamw bench: scale %s, seed %s, %s threads, %s%s%n", facts.get("scale"),
                facts.get("seed"), facts.get("threads"), facts.getOrDefault("machine", ""),
                (facts.containsKey("build_concurrency") ? ", tables built " + facts.get("build_concurrency") + " at a time" : "")
                        + (Boolean.TRUE.equals(facts.get("interpreted")) ? ", queries interpreted (small warehouse)" : "")));
        if (Boolean.FALSE.equals(facts.get("complete"))) {
            sb.append("PARTIAL: figures ").append(facts.get("completed_phases"))
                    .append("; the later phases had not finished when these were written\n");
        }
        sb.append(String.format(Locale.ROOT, "%n%-10s %-18s %9s %12s %12s %10s %9s  %s%n", "phase", "stage", "seconds", "rows in",
                "rows out", "rows/s", "peak MiB", "status"));
        for (final Measure m : measures) {
            if (m.wholeStage()) {
                sb.append(String.format(Locale.ROOT, "%-10s %-18s %9.1f %12s %12s %10s %9s  %s%n", m.phase(), m.stage(), m.seconds(),
                        count(m.rowsIn()), count(m.rowsOut()), m.rowsPerSecond() > 0 ? String.format(Locale.ROOT, "%,.0f",
                                m.rowsPerSecond()) : "-", m.peakRssMib() < 0 ? "-" : String.valueOf(m.peakRssMib()), m.status()));
            }
        }
        final List<Measure> fullSteps = measures.stream().filter(m -> !m.wholeStage() && m.phase().equals("full")).toList();
        if (!fullSteps.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nslowest steps of the full pipeline:%n"));
        }
        fullSteps.stream().sorted(Comparator.comparingDouble(Measure::seconds).reversed()).limit(12)
                .forEach(m -> sb.append(String.format(Locale.ROOT, "  %-8s %-44s %8.1fs %12s rows out  %s%n", m.stage(), m.step(),
                        m.seconds(), count(m.rowsOut()), m.note())));
        // the day's steps that did work, each beside its step in the full build: a build by period dearer than the whole one shows
        final Map<String, Double> whole = new java.util.HashMap<>();
        fullSteps.forEach(m -> whole.put(m.stage() + "/" + m.step(), m.seconds()));
        for (int day = 1; day <= Math.max(1, lastDay()); day++) {
            slowestOfDay(sb, day, whole);
        }
        sb.append(String.format(Locale.ROOT, "%nratios (measured, not asserted):%n"));
        for (final Ratio r : ratios()) {
            sb.append(String.format(Locale.ROOT, "  %-36s %10s  target %-8s %-7s %s%n", r.name(),
                    Double.isNaN(r.value()) ? "n/a" : String.format(Locale.ROOT, "%.3f", r.value()),
                    r.target() == null ? "-" : trim(r.target()), r.verdict(), r.definition()));
        }
        if (facts.containsKey("incremental_equals_whole")) {
            sb.append(String.format(Locale.ROOT, "incremental day%s equals a whole rebuild: %s (%s tables built by period checked)%n",
                    lastDay() > 1 ? "s 1 to " + lastDay() : "", Boolean.TRUE.equals(facts.get("incremental_equals_whole")) ? "yes" : "NO",
                    facts.get("incremental_tables_checked")));
            if (facts.containsKey("incremental_differences")) {
                sb.append("  ").append(facts.get("incremental_differences")).append('\n');
            }
        }
        if (facts.containsKey("aggregate_results_agree")) {
            sb.append(String.format(Locale.ROOT, "%naggregation results agree between Spark and DuckDB: %s (%s)%n",
                    facts.get("aggregate_results_agree"), facts.get("aggregate_result_spark")));
            if (!Boolean.TRUE.equals(facts.get("aggregate_results_agree"))) {
                sb.append("  DuckDB: ").append(facts.get("aggregate_result_duckdb")).append('\n');
            }
        }
        if (Boolean.FALSE.equals(facts.get("peak_memory_resettable"))) {
            sb.append("note: peak memory could not be reset between steps here; each figure is the peak since the process started\n");
        }
        return sb.toString();
    }

    /** The last incremental day that ran (0 when none did). */
    private int lastDay() {
        int day = 0;
        while (stage(Bench.dayPhase(day + 1), "pipeline").isPresent()) {
            day++;
        }
        return day;
    }

    /** The slowest steps of incremental day {@code day} that did work, each beside the same step's time in the full build. */
    private void slowestOfDay(final StringBuilder sb, final int day, final Map<String, Double> whole) {
        final List<Measure> daySteps = measures.stream().filter(m -> !m.wholeStage() && m.phase().equals(Bench.dayPhase(day))
                && !m.status().equals("skipped")).toList();
        if (!daySteps.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nslowest steps of the incremental day%s (the same step in the full build):%n",
                    day == 1 ? "" : " " + day));
        }
        daySteps.stream().sorted(Comparator.comparingDouble(Measure::seconds).reversed()).limit(12)
                .forEach(m -> {
                    final Double w = whole.get(m.stage() + "/" + m.step());
                    sb.append(String.format(Locale.ROOT, "  %-8s %-44s %8.1fs %12s rows out  %-16s %s%n", m.stage(), m.step(),
                            m.seconds(), count(m.rowsOut()), w == null ? "(-)" : String.format(Locale.ROOT, "(%.1fs)%s", w,
                                    m.seconds() > w ? " dearer" : ""), m.note()));
                });
    }

    private static String count(final long n) {
        return n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n);
    }

    private static String trim(final double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}

package io.kamwarehouse.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.metadata.RunRecord;

/** The end-of-run summary printed by ingest, pipeline and demo. */
final class Summaries {

    private Summaries() {
    }

    static void printIngest(final PrintStream out, final List<IngestResult> results, final String warehouseRoot) {
        final TablePrinter t = new TablePrinter(List.of("table", "drop", "status", "version", "rows read", "loaded",
                "quarantined", "top quarantine reasons"));
        long read = 0;
        long loaded = 0;
        long quarantined = 0;
        final Map<String, Long> rules = new TreeMap<>();
        for (final IngestResult r : results) {
            t.add(List.of(r.bronzeTable() == null ? String.join(",", r.files()) : r.bronzeTable(),
                    String.valueOf(r.dropDate()), r.status(), r.bronzeVersion() < 0 ? "" : String.valueOf(r.bronzeVersion()),
                    fmt(r.rowsRead()), fmt(r.rowsLoaded()), fmt(r.rowsQuarantined()), topReasons(r.quarantinedByRule())));
            read += r.rowsRead();
            loaded += r.rowsLoaded();
            quarantined += r.rowsQuarantined();
            r.quarantinedByRule().forEach((k, v) -> rules.merge(k, v, Long::sum));
        }
        out.println();
        t.print(out, false);
        out.println();
        out.printf("rows read %s, loaded %s, quarantined %s%s%n", fmt(read), fmt(loaded), fmt(quarantined),
                rules.isEmpty() ? "" : " (" + topReasons(rules) + ")");
        for (final IngestResult r : results) {
            if (!RunRecord.SUCCEEDED.equals(r.status()) && r.message() != null && !r.message().isEmpty()
                    && !r.message().startsWith("already ingested")) {
                out.println("  " + r.status() + " " + (r.bronzeTable() == null ? "" : r.bronzeTable() + ": ") + r.message());
            }
        }
        out.println("warehouse: " + warehouseRoot);
    }

    static String topReasons(final Map<String, Long> byRule) {
        final StringBuilder sb = new StringBuilder();
        byRule.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(3).forEach(e -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(' ').append(e.getValue());
        });
        return sb.toString();
    }

    static String fmt(final long n) {
        return String.format("%,d", n);
    }
}

package io.kamwarehouse.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.pipeline.TableRunner;

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
                    String.valueOf(r.dropDate()), r.status().text(), r.bronzeVersion() < 0 ? "" : String.valueOf(r.bronzeVersion()),
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
            if (r.message() != null && !r.message().isEmpty() && !r.message().startsWith("already ingested")) {
                // a loaded batch's notes too: encoding guesses, columns missing, renamed or unknown
                out.println("  " + (r.status() == RunStatus.SUCCEEDED ? "note" : r.status().text()) + " "
                        + (r.bronzeTable() == null ? "" : r.bronzeTable() + " " + r.dropDate() + ": ") + r.message());
            }
        }
        out.println("warehouse: " + warehouseRoot);
    }

    static void printBuilt(final PrintStream out, final List<TableRunner.Built> built) {
        if (built.isEmpty()) {
            return;
        }
        final TablePrinter t = new TablePrinter(List.of("table", "status", "version", "rows read", "rows written", "checks",
                "message"));
        for (int i = 0; i < built.size(); i++) {
            final TableRunner.Built b = built.get(i);
            final long passed = b.checks().stream().filter(c -> c.passed()).count();
            final String msg = b.message() == null ? "" : b.message();
            t.add(List.of(b.table(), b.status().text(),
                    b.job() == null || b.job().outputVersion() < 0 ? "" : String.valueOf(b.job().outputVersion()),
                    b.job() == null ? "" : fmt(b.job().rowsRead()), b.job() == null ? "" : fmt(b.job().rowsWritten()),
                    b.checks().isEmpty() ? "" : passed + "/" + b.checks().size(),
                    msg.length() > 90 ? msg.substring(0, 87) + "..." : msg));
        }
        out.println();
        t.print(out, false);
        for (int i = 0; i < built.size(); i++) {
            final TableRunner.Built b = built.get(i);
            if (!b.status().ok()) {
                out.println("  " + b.status().text() + " " + b.table() + ": " + b.message());
            }
        }
    }

    /** Exit code of a run: 2 when an input was refused, 3 when a job or check failed, else 0. */
    static int exitCode(final List<IngestResult> ingested, final List<TableRunner.Built> built) {
        final int ingestCode = IngestCommand.exitCode(ingested);
        if (ingestCode != 0) {
            return ingestCode;
        }
        for (final TableRunner.Built b : built) {
            if (b.status().failed()) {
                return io.kamwarehouse.KamwException.EXIT_FAILED;
            }
        }
        return 0;
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

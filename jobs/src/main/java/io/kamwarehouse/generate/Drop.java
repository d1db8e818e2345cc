package io.kamwarehouse.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One drop being written: the world, the drop date and ordinal, per-source folders and the reports so far. */
final class Drop {

    final World w;
    final int dropDay;
    /** 0 for the full drop, the increment day otherwise. */
    final int ordinal;
    final Path landingRoot;
    final ProgressListener progress;
    final List<EntityReport> reports = new ArrayList<>();

    Drop(final World w, final int dropDay, final int ordinal, final Path landingRoot, final ProgressListener progress) {
        this.w = w;
        this.dropDay = dropDay;
        this.ordinal = ordinal;
        this.landingRoot = landingRoot;
        this.progress = progress;
    }

    Path dir(final String source) {
        return landingRoot.resolve(source).resolve(Fmt.date(dropDay));
    }

    /** Creates (or empties) the drop folder of a source so that regenerating replaces its files. */
    void prepare(final String source) {
        final Path dir = dir(source);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (final Path p : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(p)) {
                        Files.delete(p);
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot prepare drop folder " + dir, e);
        }
    }

    EntitySink open(final EntitySink.Spec spec) {
        final long defectSeed = Rand.derive(w.seed, Rand.tag("defects"), Rand.tag(spec.source + "/" + spec.entity), ordinal);
        return new EntitySink(spec, dir(spec.source), progress, defectSeed);
    }

    /** Closes the sink and records its report; an entity without rows is left out of the drop entirely. */
    EntityReport finish(final EntitySink sink) {
        sink.close();
        final EntityReport report = sink.report();
        if (report.rows() == 0 && ordinal > 0) {
            try {
                for (final Path f : report.files()) {
                    Files.deleteIfExists(f);
                }
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot remove empty extract of " + report.entity(), e);
            }
            progress.progress(report.source() + "/" + report.entity() + ": no changes, left out of the drop");
            return report;
        }
        reports.add(report);
        progress.progress(report.source() + "/" + report.entity() + ": " + Fmt.count(report.rows()) + " rows written"
                + (report.defectRows() > 0 ? " (" + report.defectRows() + " defective)" : ""));
        return report;
    }

    List<EntityReport> reportsOf(final String source) {
        final List<EntityReport> out = new ArrayList<>();
        for (final EntityReport r : reports) {
            if (r.source().equals(source)) {
                out.add(r);
            }
        }
        return out;
    }
}

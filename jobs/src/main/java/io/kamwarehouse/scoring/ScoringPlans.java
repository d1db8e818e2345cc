package io.kamwarehouse.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.kamwarehouse.JarFolder;
import io.kamwarehouse.KamwException;

/**
 * Every scoring plan of a folder ({@code conf/scoring/*.yaml}), each checked on its own and all
 * together: versions are distinct and effective periods do not overlap. The folder is the Spark
 * conf {@code kamw.scoring.dir} when set, else {@code $KAMW_CONF/scoring} (the launcher points
 * {@code KAMW_CONF} at the repository's {@code conf/}), else the copy bundled in the application.
 */
public final class ScoringPlans {

    /** Spark conf (or {@code --conf}) naming the folder of plan files. */
    public static final String DIR_CONF = "kamw.scoring.dir";
    /** Environment variable naming the project's {@code conf/} folder. */
    public static final String ENV_CONF = "KAMW_CONF";
    private static final String BUNDLED = "conf/scoring";

    private final List<ScoringPlan> plans;
    private final String location;

    private ScoringPlans(final List<ScoringPlan> plans, final String location) {
        this.plans = List.copyOf(plans);
        this.location = location;
    }

    /** The plans of the configured folder: {@code conf} may hold {@link #DIR_CONF}. */
    public static ScoringPlans load(final Map<String, String> conf) {
        final String dir = conf.get(DIR_CONF);
        if (dir != null && !dir.isBlank()) {
            final Path p = Paths.get(dir.trim());
            if (!Files.isDirectory(p)) {
                throw new KamwException("scoring plan folder " + p.toAbsolutePath() + " (" + DIR_CONF
                        + ") does not exist; point it at a folder of plan files such as conf/scoring");
            }
            return fromDirectory(p);
        }
        final String confDir = System.getenv(ENV_CONF);
        if (confDir != null && !confDir.isBlank() && Files.isDirectory(Paths.get(confDir, "scoring"))) {
            return fromDirectory(Paths.get(confDir, "scoring"));
        }
        return bundled();
    }

    /** Reads every {@code *.yaml} of a folder. */
    public static ScoringPlans fromDirectory(final Path dir) {
        final Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (final Path p : (Iterable<Path>) list::iterator) {
                final String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && isPlanFile(name)) {
                    files.put(name, Files.readAllBytes(p));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read scoring plan folder " + dir, e);
        }
        return of(files, dir.toAbsolutePath().toString());
    }

    /** Reads the given files (for {@code kamw plan check FILE...}). */
    public static ScoringPlans fromFiles(final List<Path> paths) {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        for (final Path p : paths) {
            if (!Files.isRegularFile(p)) {
                throw new KamwException("scoring plan file " + p + " does not exist");
            }
            try {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            } catch (final IOException e) {
                throw new KamwException("cannot read scoring plan file " + p + ": " + e.getMessage(), e);
            }
        }
        return of(files, String.join(", ", paths.stream().map(Path::toString).toList()));
    }

    private static ScoringPlans bundled() {
        final URL marker = ScoringPlans.class.getClassLoader().getResource(BUNDLED + "/README.md");
        if (marker == null) {
            throw new KamwException("no scoring plans bundled in the application and no folder given; set --conf "
                    + DIR_CONF + "=DIR or " + ENV_CONF);
        }
        try {
            if ("file".equals(marker.getProtocol())) {
                return fromDirectory(Paths.get(marker.toURI()).getParent());
            }
            final Map<String, byte[]> files = JarFolder.files(marker, BUNDLED, name -> name.indexOf('/') < 0 && isPlanFile(name));
            return of(files, marker.toString().replaceFirst("/README.md$", ""));
        } catch (final IOException | URISyntaxException e) {
            throw new KamwException("cannot read the bundled scoring plans: " + e.getMessage(), e);
        }
    }

    private static boolean isPlanFile(final String name) {
        final String base = name.substring(name.lastIndexOf('/') + 1);
        return (base.endsWith(".yaml") || base.endsWith(".yml")) && !base.startsWith(".") && !base.startsWith("_");
    }

    /** Parses and checks plan files (name to bytes), then checks them against each other. */
    public static ScoringPlans of(final Map<String, byte[]> files, final String location) {
        if (files.isEmpty()) {
            throw new KamwException("no scoring plan (*.yaml) in " + location);
        }
        final List<ScoringPlan> plans = new ArrayList<>();
        for (final Map.Entry<String, byte[]> e : files.entrySet()) {
            plans.add(ScoringPlan.parse(e.getKey(), e.getValue()));
        }
        plans.sort(Comparator.comparing(ScoringPlan::effectiveFrom));
        for (int i = 0; i < plans.size(); i++) {
            for (int j = i + 1; j < plans.size(); j++) {
                final ScoringPlan a = plans.get(i);
                final ScoringPlan b = plans.get(j);
                if (a.version().equals(b.version())) {
                    throw new PlanFields(b.file()).error("version", "'" + b.version() + "' is also the version of " + a.file()
                            + "; every plan needs its own version");
                }
                if (!b.effectiveFrom().isAfter(a.effectiveTo())) {
                    throw new PlanFields(b.file()).error("effective_from", "plans overlap: " + b.file() + " is effective from "
                            + b.effectiveFrom() + " to " + b.effectiveTo() + ", " + a.file() + " from " + a.effectiveFrom()
                            + " to " + a.effectiveTo() + "; a date may fall under one plan only");
                }
            }
        }
        return new ScoringPlans(plans, location);
    }

    /** The plans, by effective date. */
    public List<ScoringPlan> all() {
        return plans;
    }

    /** The plan in effect on a date. */
    public Optional<ScoringPlan> on(final LocalDate date) {
        return plans.stream().filter(p -> p.covers(date)).findFirst();
    }

    /** Where the plans were read from, for messages. */
    public String location() {
        return location;
    }

    /** {@code 2025.yaml 1a2b3c4d5e6f7a8b, 2026.yaml ...}: what was read, for run logs and fingerprints. */
    public String describe() {
        final List<String> parts = new ArrayList<>();
        for (final ScoringPlan p : plans) {
            parts.add(p.file() + " " + p.hash() + " (version " + p.version() + ")");
        }
        return String.join(", ", parts);
    }
}

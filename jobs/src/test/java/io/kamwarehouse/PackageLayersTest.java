package io.kamwarehouse;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages of the application form layers: a package uses packages of its own layer or below,
 * never one above, and no two packages depend on each other (directly or round a loop). Read from
 * the main sources' imports and fully qualified names, so a wrong dependency names its file.
 */
class PackageLayersTest {

    private static final Path MAIN = Paths.get("src/main/java");
    private static final String ROOT = "io.kamwarehouse";

    /** Bottom to top. {@code ""} is {@code io.kamwarehouse} itself. */
    private static final List<List<String>> LAYERS = List.of(
            // the user-facing error, the schema files, the strict YAML reader, the dependency sort; pure maths
            List.of("", "models"),
            // models of the inputs and the run log, no Spark session of their own
            List.of("contracts", "metadata", "scoring"),
            // the Spark session, the warehouse's tables and what a command's jobs share
            List.of("runtime"),
            List.of("spec"),
            List.of("ingest"),
            List.of("jobs"),
            List.of("pipeline"),
            List.of("bonus", "serving", "dags", "dashboards"),
            List.of("bench", "cli", "generate"));

    /** Uses of a package above that are known and on their way out ({@code file -> class}): none today. */
    private static final Set<String> ALLOWED = Set.of();

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.kamwarehouse\\.(?:([a-z][a-z0-9_]*)\\.)?([A-Z]\\w*|\\*)");

    @Test
    void noPackageUsesOneAboveIt() throws IOException {
        final Map<String, Integer> layer = new HashMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (final String p : LAYERS.get(i)) {
                layer.put(p, i);
            }
        }
        final List<String> problems = new ArrayList<>();
        final Set<String> allowedSeen = new HashSet<>();
        for (final Map.Entry<String, Set<String>> e : references().entrySet()) {
            final String file = e.getKey();
            final String from = packageOf(file);
            if (!layer.containsKey(from)) {
                problems.add(file + ": package " + name(from) + " has no layer: add it to LAYERS in " + getClass().getSimpleName());
                continue;
            }
            for (final String cls : e.getValue()) {
                final String to = packageOfClass(cls);
                if (to.equals(from)) {
                    continue;
                }
                if (!layer.containsKey(to)) {
                    problems.add(file + " uses " + cls + ", whose package has no layer: add it to LAYERS");
                } else if (layer.get(to) > layer.get(from)) {
                    if (ALLOWED.contains(file + " -> " + cls)) {
                        allowedSeen.add(file + " -> " + cls);
                    } else {
                        problems.add(file + " uses " + cls + ": " + name(to) + " is a layer above " + name(from));
                    }
                }
            }
        }
        for (final String a : new TreeSet<>(ALLOWED)) {
            if (!allowedSeen.contains(a)) {
                problems.add("allowed exception '" + a + "' is no longer needed: remove it from ALLOWED");
            }
        }
        if (!problems.isEmpty()) {
            fail("package layering (bottom to top: " + LAYERS.stream().map(l -> l.stream().map(PackageLayersTest::name).toList()).toList()
                    + "):\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void noTwoPackagesDependOnEachOther() throws IOException {
        // package -> package it uses -> the files that use it
        final Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
        for (final Map.Entry<String, Set<String>> e : references().entrySet()) {
            final String from = packageOf(e.getKey());
            for (final String cls : e.getValue()) {
                final String to = packageOfClass(cls);
                if (!to.equals(from)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(e.getKey());
                }
            }
        }
        final List<String> cycle = new ArrayList<>();
        try {
            DependencyOrder.sort(edges.keySet(), p -> p, p -> edges.getOrDefault(p, Map.of()).keySet(), c -> {
                cycle.addAll(c);
                return new IllegalStateException();
            });
        } catch (final IllegalStateException e) {
            final List<String> steps = new ArrayList<>();
            for (int i = 0; i + 1 < cycle.size(); i++) {
                steps.add(name(cycle.get(i)) + " -> " + name(cycle.get(i + 1)) + " in " + edges.get(cycle.get(i)).get(cycle.get(i + 1)));
            }
            fail("packages depend on each other in a cycle:\n  " + String.join("\n  ", steps));
        }
        assertTrue(cycle.isEmpty());
    }

    /** Every main source file (relative path) and the project classes it names outside comments and strings. */
    private static Map<String, Set<String>> references() throws IOException {
        final Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (final Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
                final String code = withoutCommentsAndStrings(Files.readString(p));
                final Set<String> classes = new TreeSet<>();
                final Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    classes.add(m.group());
                }
                out.put(MAIN.relativize(p).toString().replace('\\', '/'), classes);
            }
        }
        return out;
    }

    /** The package of a source file, relative to {@code io.kamwarehouse} ({@code ""} for it). */
    private static String packageOf(final String file) {
        final String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')).replace('/', '.') : "";
        return dir.equals(ROOT) ? "" : dir.substring(ROOT.length() + 1);
    }

    private static String packageOfClass(final String cls) {
        final Matcher m = REFERENCE.matcher(cls);
        return m.matches() && m.group(1) != null ? m.group(1) : "";
    }

    private static String name(final String pkg) {
        return pkg.isEmpty() ? ROOT : pkg;
    }

    /** The source with comments, string and character literals blanked (text blocks included). */
    static String withoutCommentsAndStrings(final String s) {
        final StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            final char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                final int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                final int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                b.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                final int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? s.length() : end + 3;
                b.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                b.append(c).append(c);
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}

package io.kamwarehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The project's {@code schemas/} folder: source contracts ({@code sources/}) and table specs
 * ({@code tables/}). Read from a folder when one is configured (the launcher points at the
 * repository's folder, so an edited contract takes effect at once), else from the copy bundled
 * in the application jar.
 */
public final class SchemaFiles {

    private static final String BUNDLED = "schemas";

    /** Relative path (e.g. {@code sources/crm/accounts.yaml}) to file content, in name order. */
    private final TreeMap<String, String> files;
    private final String location;

    private SchemaFiles(final TreeMap<String, String> files, final String location) {
        this.files = files;
        this.location = location;
    }

    /** Loads from the configured folder, or the bundled copy when {@code dir} is null. */
    public static SchemaFiles load(final String dir) {
        if (dir != null) {
            final Path root = Paths.get(dir);
            if (!Files.isDirectory(root)) {
                throw new KamwException("schemas folder " + root.toAbsolutePath()
                        + " does not exist; point --schemas (or KAMW_SCHEMAS) at the project's schemas/ folder");
            }
            return fromDirectory(root);
        }
        return bundled();
    }

    /** Reads every YAML file below a folder. */
    public static SchemaFiles fromDirectory(final Path root) {
        final TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (final Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p) && isSchemaFile(p.getFileName().toString())) {
                    files.put(root.relativize(p).toString().replace('\\', '/'),
                            Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read schemas folder " + root, e);
        }
        return new SchemaFiles(files, root.toAbsolutePath().toString());
    }

    private static SchemaFiles bundled() {
        final URL marker = SchemaFiles.class.getClassLoader().getResource(BUNDLED + "/sources/README.md");
        if (marker == null) {
            throw new KamwException("no schemas bundled in the application and no --schemas folder given");
        }
        try {
            if ("file".equals(marker.getProtocol())) {
                final Path root = Paths.get(marker.toURI()).getParent().getParent();
                return fromDirectory(root);
            }
            final TreeMap<String, String> files = new TreeMap<>();
            JarFolder.files(marker, BUNDLED, SchemaFiles::isSchemaFile)
                    .forEach((name, bytes) -> files.put(name, new String(bytes, StandardCharsets.UTF_8)));
            return new SchemaFiles(files, marker.toString().replaceFirst("/sources/README.md$", ""));
        } catch (final IOException | URISyntaxException e) {
            throw new KamwException("cannot read the bundled schemas: " + e.getMessage(), e);
        }
    }

    private static boolean isSchemaFile(final String name) {
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".sql");
    }

    /** Files whose relative path starts with a prefix such as {@code sources/}, in name order. */
    public List<String> list(final String prefix) {
        final List<String> out = new ArrayList<>();
        for (final String k : files.keySet()) {
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    public String read(final String relativePath) {
        final String content = files.get(relativePath);
        if (content == null) {
            throw new KamwException("schema file " + relativePath + " not found in " + location);
        }
        return content;
    }

    public boolean exists(final String relativePath) {
        return files.containsKey(relativePath);
    }

    /** Where these files were read from, for messages. */
    public String location() {
        return location;
    }
}

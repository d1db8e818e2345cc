package io.kamwarehouse.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Local folder operations the benchmark and tests share. */
public final class Folders {

    private Folders() {
    }

    /**
     * Copies a folder and everything below it into {@code to} (created as needed). A warehouse
     * folder copied this way is a warehouse of its own: Delta tables hold relative paths.
     */
    public static void copy(final Path from, final Path to) {
        try (Stream<Path> all = Files.walk(from)) {
            for (final Path p : all.toList()) {
                final Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    /** Deletes a folder and everything below it; nothing when it does not exist. */
    public static void delete(final Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}

package io.kamwarehouse.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;

/**
 * Real extracts written by others live outside the repository (never copied in). Tests find them
 * through the system property {@code kamw.external.data} or the environment variable
 * {@code KAMW_EXTERNAL_DATA}, else in {@code ../shared/data/external} relative to the repository
 * root; where the folder is absent the test is skipped with a message saying how to point at it.
 */
public final class ExternalData {

    private ExternalData() {
    }

    /** The external data folder, or a skip of the calling test when it is not there. */
    public static Path root() {
        final Path root = locate();
        Assumptions.assumeTrue(root != null && Files.isDirectory(root),
                "external data sets not found (looked in " + describeCandidates()
                        + "); set -Dkamw.external.data=DIR or KAMW_EXTERNAL_DATA=DIR to run this test");
        return root;
    }

    /** A data set folder or file below the external data root, or a skip when it is absent. */
    public static Path resolve(final String relative) {
        final Path path = root().resolve(relative);
        Assumptions.assumeTrue(Files.exists(path), "external data set " + path + " is absent; skipping");
        return path;
    }

    private static Path locate() {
        final String property = System.getProperty("kamw.external.data");
        if (property != null && !property.isBlank()) {
            return Paths.get(property);
        }
        final String env = System.getenv("KAMW_EXTERNAL_DATA");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        // Tests run with the module folder (jobs/) as working directory; the repository root is its parent.
        Path dir = Paths.get("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++) {
            final Path candidate = dir.resolve("../shared/data/external").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return null;
    }

    private static String describeCandidates() {
        return "-Dkamw.external.data, KAMW_EXTERNAL_DATA and ../shared/data/external above "
                + Paths.get("").toAbsolutePath();
    }
}

package io.kamwarehouse;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A folder bundled inside the application jar (the schemas, the scoring plans): its files read
 * through the jar that holds a marker resource of the folder.
 */
public final class JarFolder {

    private JarFolder() {
    }

    /**
     * The files below {@code folder/} in the jar holding {@code marker}, by their path below the
     * folder, in name order; only those whose relative path {@code keep} accepts.
     */
    public static Map<String, byte[]> files(final URL marker, final String folder, final Predicate<String> keep) throws IOException {
        final Map<String, byte[]> files = new TreeMap<>();
        final JarURLConnection connection = (JarURLConnection) marker.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            final Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                final JarEntry entry = entries.nextElement();
                final String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(folder + "/") && keep.test(name.substring(folder.length() + 1))) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.put(name.substring(folder.length() + 1), in.readAllBytes());
                    }
                }
            }
        }
        return files;
    }
}

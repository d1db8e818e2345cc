package io.kamwarehouse.dashboards;

import static io.kamwarehouse.dashboards.DashboardBundle.MASK;
import static io.kamwarehouse.dashboards.DashboardBundle.URI_PASSWORD;
import static io.kamwarehouse.dashboards.DashboardBundle.URI_USER;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.kamwarehouse.KamwException;

/** The import zip of a sound bundle, for {@code superset import-dashboards -p FILE.zip}. */
final class BundleZip {

    private BundleZip() {
    }

    /**
     * Writes the import zip: one root folder holding the bundle files. When {@code uri} is given it
     * replaces every database's sqlalchemy_uri; when {@code password} is given it replaces the masked
     * password (then the zip holds a secret). A {@code uri} given with a user and no password stays
     * without one: a server that trusts the login (the embedded one) needs none, and a masked password
     * would stop {@code superset import-dashboards}, which cannot be given one ("Must provide a
     * password for the database"). Returns whether the zip's URI carries the mask.
     */
    static boolean write(final DashboardBundle bundle, final Path out, final String folder, final String uri, final String password) {
        bundle.check();
        final Path root = bundle.root();
        boolean masked = false;
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (final String rel : bundle.allFiles().keySet()) {
                    String text = Files.readString(root.resolve(rel), StandardCharsets.UTF_8);
                    if (rel.startsWith("databases/")) {
                        text = databaseText(text, uri, password);
                        masked |= text.contains(":" + MASK + "@");
                    }
                    zip.putNextEntry(new ZipEntry(folder + "/" + rel));
                    zip.write(text.getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
        } catch (final IOException e) {
            throw new KamwException("cannot write " + out + ": " + e.getMessage(), e);
        }
        return masked;
    }

    static String databaseText(final String text, final String uri, final String password) {
        final StringBuilder out = new StringBuilder();
        for (final String line : text.split("\n", -1)) {
            if (line.startsWith("sqlalchemy_uri:")) {
                String value = uri != null ? uri : line.substring("sqlalchemy_uri:".length()).trim();
                final Matcher pw = URI_PASSWORD.matcher(value);
                final Matcher user = URI_USER.matcher(value);
                if (pw.matches()) {
                    value = pw.group(1) + (password != null ? password : MASK) + pw.group(3);
                } else if (user.matches() && (password != null || uri == null)) {
                    value = user.group(1) + ":" + (password != null ? password : MASK) + user.group(2);
                } else if (password != null) {
                    throw new KamwException("sqlalchemy_uri " + value + " names no user to give the password to; use"
                            + " postgresql+psycopg2://USER@HOST:PORT/DB");
                }
                out.append("sqlalchemy_uri: ").append(value);
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}

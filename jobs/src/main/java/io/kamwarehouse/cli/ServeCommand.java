package io.kamwarehouse.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.serving.Publisher;
import io.kamwarehouse.serving.ServingConfig;
import io.kamwarehouse.serving.ServingSession;
import io.kamwarehouse.serving.ServingTarget;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw serve}: the serving database for Superset, published and running until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the embedded PostgreSQL (unless --jdbc-url or $KAMW_JDBC_URL names one), publish what changed, "
                + "print the SQLAlchemy URI for Superset and keep running until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "External PostgreSQL (default: $KAMW_JDBC_URL, else the embedded server); "
                    + "user and password from $KAMW_JDBC_USER and $KAMW_JDBC_PASSWORD.")
    String jdbcUrl;

    @Option(names = "--port", paramLabel = "N", description = "Port of the embedded server (default: embedded.port in conf/serving.yaml).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        final ServingConfig config = ServingConfig.load();
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        final List<String> tables = PublishCommand.select(config, specs, List.of());
        final RunContext ctx = main.context();
        final ServingSession session = ServingSession.open(jdbcUrl, config, main.config(), port, ctx.progress());
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            session.close();
            stopped.countDown();
        }, "kamw-serve-stop"));
        PublishCommand.print(new Publisher(ctx.warehouse(), config, session.target(), ctx.progress()).publish(tables, false));
        ctx.warehouse().spark().stop();
        final String password = System.getenv(ServingTarget.ENV_READER_PASSWORD);
        System.out.println();
        System.out.println("Superset SQLAlchemy URI (read-only role " + config.readerRole() + ", schema " + config.schema() + "):");
        System.out.println("  " + session.target().supersetUri(config.readerRole(), password != null && !password.isEmpty()));
        System.out.println(session.embedded() ? "serving on 127.0.0.1 until Ctrl-C" : "the database is external; nothing to keep running");
        System.out.flush();
        if (session.embedded()) {
            stopped.await();
        }
        return 0;
    }
}

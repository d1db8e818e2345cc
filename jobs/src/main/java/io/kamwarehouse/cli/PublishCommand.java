package io.kamwarehouse.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.serving.Publisher;
import io.kamwarehouse.serving.ServingConfig;
import io.kamwarehouse.serving.ServingSession;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kamw publish}: copy the gold tables dashboards use into the serving database. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Copy the gold tables dashboards use (conf/serving.yaml) into PostgreSQL, each swapped in whole; "
                + "tables whose Delta version is already published are left alone.")
final class PublishCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "TABLE", arity = "0..*", description = "Only these tables (default: every table conf/serving.yaml publishes).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "External PostgreSQL, jdbc:postgresql://HOST:PORT/DB (default: $KAMW_JDBC_URL, else the embedded server); "
                    + "user and password from $KAMW_JDBC_USER and $KAMW_JDBC_PASSWORD.")
    String jdbcUrl;

    @Option(names = "--port", paramLabel = "N", description = "Port of the embedded server (default: embedded.port in conf/serving.yaml).")
    Integer port;

    @Option(names = "--force", description = "Copy tables even when their version is already published.")
    boolean force;

    @Override
    public Integer call() {
        final ServingConfig config = ServingConfig.load();
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        final List<String> selected = select(config, specs, tables);
        final RunContext ctx = main.context();
        try (ServingSession session = ServingSession.open(jdbcUrl, config, main.config(), port, ctx.progress())) {
            final List<Publisher.Result> results = new Publisher(ctx.warehouse(), config, session.target(), ctx.progress())
                    .publish(selected, force);
            print(results);
        }
        return 0;
    }

    /** The tables to publish: the named ones (each must be publishable) or all that conf/serving.yaml selects. */
    static List<String> select(final ServingConfig config, final TableSpecCatalog specs, final List<String> named) {
        final List<String> all = specs.all().stream().map(TableSpec::name).filter(config::publishes).sorted().toList();
        if (named.isEmpty()) {
            return all;
        }
        for (final String t : named) {
            if (!all.contains(t)) {
                throw new KamwException("'" + t + "' is not a table conf/serving.yaml publishes; these are: " + String.join(", ", all));
            }
        }
        return named;
    }

    static void print(final List<Publisher.Result> results) {
        final TablePrinter rows = new TablePrinter(List.of("table", "status", "delta_version", "rows", "row_security", "time"));
        long total = 0;
        long ms = 0;
        for (final Publisher.Result r : results) {
            rows.add(List.of(r.table(), r.status(), r.deltaVersion() < 0 ? "" : String.valueOf(r.deltaVersion()),
                    r.rows() < 0 ? "" : String.format("%,d", r.rows()), r.teamRestricted() ? "by team" : "",
                    r.millis() == 0 ? "" : String.format("%.1f s", r.millis() / 1000.0)));
            total += Math.max(0, r.rows());
            ms += r.millis();
        }
        rows.print(System.out, false);
        System.out.printf("published %d of %d tables, %,d rows in %.1f s%n",
                results.stream().filter(r -> Publisher.PUBLISHED.equals(r.status())).count(), results.size(), total, ms / 1000.0);
    }
}

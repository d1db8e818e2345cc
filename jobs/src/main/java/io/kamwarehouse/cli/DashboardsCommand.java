package io.kamwarehouse.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;

import io.kamwarehouse.dashboards.DashboardBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kamw dashboards}: the Superset bundle under {@code dashboards/bundle}. */
@Command(name = "dashboards", mixinStandardHelpOptions = true,
        description = "Check and package the Superset dashboards (dashboards/bundle) for 'superset import-dashboards'.",
        subcommands = {DashboardsCommand.Build.class, DashboardsCommand.Check.class})
final class DashboardsCommand implements Runnable {

    static final String FOLDER = "kamw_dashboards";
    static final String PASSWORD_ENV = "KAMW_SUPERSET_DB_PASSWORD";

    @ParentCommand
    Main main;

    @Option(names = "--bundle", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Bundle folder (default: $KAMW_DASHBOARDS, else ./dashboards/bundle).")
    Path bundle;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a subcommand is needed: build or check");
    }

    DashboardBundle load() {
        Path dir = bundle;
        if (dir == null) {
            final String env = System.getenv("KAMW_DASHBOARDS");
            dir = env != null && !env.isBlank() ? Paths.get(env) : Paths.get("dashboards", "bundle");
        }
        return DashboardBundle.load(dir);
    }

    /** {@code kamw dashboards build}: check, then zip. */
    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Check the bundle and write the zip to import with 'superset import-dashboards -p FILE.zip'.",
                "The database URI keeps its password masked unless $" + PASSWORD_ENV + " is set (then the zip holds the secret:"
                    + " import it and delete it)."})
    static final class Build implements Callable<Integer> {

        @ParentCommand
        DashboardsCommand parent;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Zip to write (default: ${DEFAULT-VALUE}).")
        Path out = Paths.get("kamw-dashboards.zip");

        @Option(names = "--sqlalchemy-uri", paramLabel = "URI",
                description = "Serving database URI for Superset, e.g. postgresql+psycopg2://kamw_reader@db:5432/kamw (default: the bundle's).")
        String uri;

        @Override
        public Integer call() {
            final DashboardBundle b = parent.load();
            final String password = System.getenv(PASSWORD_ENV);
            b.zip(out, FOLDER, uri, password == null || password.isEmpty() ? null : password);
            final var err = parent.main.progress();
            System.out.printf("wrote %s: %d dashboards, %d charts, %d datasets, %d database%n", out, b.files("dashboards").size(),
                    b.charts().size(), b.datasets().size(), b.files("databases").size());
            if (password == null || password.isEmpty()) {
                System.out.println("the database password is masked: give it at import (Superset asks for it, or pass 'passwords'"
                        + " to POST /api/v1/dashboard/import/), or set " + PASSWORD_ENV + " and build again");
            } else {
                err.say("the zip contains the database password from $" + PASSWORD_ENV + "; delete it after the import");
            }
            System.out.println("import: superset import-dashboards -p " + out);
            return 0;
        }
    }

    /** {@code kamw dashboards check}: structure only. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check the bundle against the import format (datasets, metrics, columns, UUIDs, layout); exit 2 when unsound.")
    static final class Check implements Callable<Integer> {

        @ParentCommand
        DashboardsCommand parent;

        @Override
        public Integer call() {
            final DashboardBundle b = parent.load();
            final List<String> problems = b.problems();
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.err.println("kamw: " + p));
                System.err.println("kamw: the bundle in " + b.root() + " has " + problems.size() + " problem(s)");
                return 2;
            }
            System.out.printf("bundle %s is sound: %d dashboards, %d charts, %d datasets%n", b.root(), b.files("dashboards").size(),
                    b.charts().size(), b.datasets().size());
            return 0;
        }
    }
}

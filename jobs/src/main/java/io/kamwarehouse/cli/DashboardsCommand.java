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
        subcommands = {DashboardsCommand.Build.class, DashboardsCommand.Check.class, DashboardsCommand.Sync.class,
            DashboardsCommand.Verify.class})
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
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a subcommand is needed: build, check, sync or verify");
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
                description = {"Serving database URI for Superset, e.g. postgresql+psycopg2://kamw_reader@db:5432/kamw (default: the"
                    + " bundle's, whose password is masked).", "A URI without a password stays without one (the embedded server"
                    + " trusts local connections), so 'superset import-dashboards' takes the zip as it is."})
        String uri;

        @Option(names = "--team-role", paramLabel = "ROLE",
                description = {"Build a team lead's copy instead: a database connection logging in as ROLE (one of team_roles in"
                    + " conf/serving.yaml), so the serving database's row-level security shows only its teams' rows, with the"
                    + " dashboards titled and slugged for ROLE and imported beside the reader's. --sqlalchemy-uri, when given,"
                    + " must log in as ROLE (default: the bundle's URI with ROLE as its user)."})
        String teamRole;

        @Override
        public Integer call() {
            final DashboardBundle b = parent.load();
            final String password = System.getenv(PASSWORD_ENV);
            final String secret = password == null || password.isEmpty() ? null : password;
            final java.util.Map<String, List<String>> roles = teamRole == null ? java.util.Map.of()
                    : io.kamwarehouse.serving.ServingConfig.load().teamRoles();
            if (teamRole != null) {
                if (!roles.containsKey(teamRole)) {
                    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--team-role " + teamRole
                            + " is not a team role of conf/serving.yaml (team_roles: " + (roles.isEmpty() ? "none"
                            : String.join(", ", new java.util.TreeSet<>(roles.keySet()))) + ")");
                }
            }
            final boolean masked = teamRole == null ? b.zip(out, FOLDER, uri, secret)
                    : b.zipForTeamRole(out, FOLDER, uri, secret, teamRole);
            final var err = parent.main.progress();
            System.out.printf("wrote %s: %d dashboards, %d charts, %d datasets, %d database%s%n", out, b.files("dashboards").size(),
                    b.charts().size(), b.datasets().size(), b.files("databases").size(),
                    teamRole == null ? "" : " (team role " + teamRole + ": sees the rows of " + String.join(", ", roles.get(teamRole))
                            + ")");
            if (masked) {
                System.out.println("the database password is masked: give it at import (Superset's upload dialog asks for it, or"
                        + " pass 'passwords' to POST /api/v1/dashboard/import/), or set " + PASSWORD_ENV + " and build again;"
                        + " 'superset import-dashboards' cannot be given one and refuses a masked password. For a server that"
                        + " trusts the login (the embedded one), give --sqlalchemy-uri without a password");
            } else if (password != null && !password.isEmpty()) {
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

    /** {@code kamw dashboards sync}: every chart's query_context written from its params. */
    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Write each chart's query_context (what Superset's chart-data API runs for a saved chart) from its params,"
                + " in the bundle's chart files; run it after editing a chart's params. Charts already in step are left as they are."})
    static final class Sync implements Callable<Integer> {

        @ParentCommand
        DashboardsCommand parent;

        @Override
        public Integer call() {
            final DashboardBundle b = parent.load();
            final List<String> changed = io.kamwarehouse.dashboards.QueryContexts.write(b);
            changed.forEach(c -> System.out.println("wrote the query_context of " + c));
            System.out.printf("%d of %d charts' query_context written%n", changed.size(), b.charts().size());
            return 0;
        }
    }

    /** {@code kamw dashboards verify}: every dataset and chart query against the serving database. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Run every dataset's query and every chart's metrics, group-bys and filters against the serving database"
                + " as Superset's read-only login; exit 3 when one fails or returns no rows. Publish first (kamw publish)."})
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        DashboardsCommand parent;

        @Option(names = "--jdbc-url", paramLabel = "URL",
                description = "External PostgreSQL, jdbc:postgresql://HOST:PORT/DB (default: $KAMW_JDBC_URL, else the embedded server);"
                        + " the reader's password from $" + io.kamwarehouse.serving.ServingTarget.ENV_READER_PASSWORD + ".")
        String jdbcUrl;

        @Option(names = "--port", paramLabel = "N", description = "Port of the embedded server (default: embedded.port in conf/serving.yaml).")
        Integer port;

        @Override
        public Integer call() {
            final DashboardBundle b = parent.load();
            b.check();
            final io.kamwarehouse.serving.ServingConfig config = io.kamwarehouse.serving.ServingConfig.load();
            final List<io.kamwarehouse.dashboards.BundleVerifier.Result> results;
            try (io.kamwarehouse.serving.ServingSession session = io.kamwarehouse.serving.ServingSession.open(jdbcUrl, config,
                    parent.main.config(), port, parent.main.progress());
                    java.sql.Connection c = session.target().connectAs(config.readerRole(),
                            System.getenv(io.kamwarehouse.serving.ServingTarget.ENV_READER_PASSWORD))) {
                results = io.kamwarehouse.dashboards.BundleVerifier.run(b, c);
            } catch (final java.sql.SQLException e) {
                throw new io.kamwarehouse.KamwException("cannot read the serving database as " + config.readerRole() + ": "
                        + e.getMessage());
            }
            final TablePrinter t = new TablePrinter(List.of("kind", "name", "rows", "result"));
            int bad = 0;
            for (final io.kamwarehouse.dashboards.BundleVerifier.Result r : results) {
                t.add(List.of(r.kind(), r.name(), String.valueOf(r.rows()), r.ok() ? "ok" : r.error() != null ? r.error() : "no rows"));
                bad += r.ok() ? 0 : 1;
            }
            t.print(System.out, false);
            if (bad > 0) {
                System.err.println("kamw: " + bad + " of " + results.size() + " dashboard queries failed or returned no rows"
                        + " (is the warehouse built and published?)");
                return io.kamwarehouse.KamwException.EXIT_FAILED;
            }
            System.out.println("all " + results.size() + " dashboard queries return rows");
            return 0;
        }
    }
}

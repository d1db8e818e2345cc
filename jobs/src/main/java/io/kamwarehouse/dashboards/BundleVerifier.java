package io.kamwarehouse.dashboards;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs what the dashboards would run against a serving database: every dataset's own query and
 * every chart's metrics, group-bys and filters, and reports the rows each returns.
 */
public final class BundleVerifier {

    /** One query of the bundle and what it returned. */
    public record Result(String kind, String name, String sql, int rows, String error) {

        public boolean ok() {
            return error == null && rows > 0;
        }
    }

    private BundleVerifier() {
    }

    /** Runs every dataset and chart query on the connection (read-only use), collecting results. */
    public static List<Result> run(final DashboardBundle bundle, final Connection connection) {
        final List<Result> out = new ArrayList<>();
        final Map<String, DashboardBundle.Dataset> datasets = bundle.datasets();
        for (final DashboardBundle.Dataset d : datasets.values()) {
            out.add(execute(connection, "dataset", d.tableName(), d.sampleQuery(10)));
        }
        for (final DashboardBundle.Chart c : bundle.charts()) {
            final DashboardBundle.Dataset d = datasets.get(c.datasetUuid());
            if (d == null) {
                out.add(new Result("chart", c.name(), "", 0, "dataset " + c.datasetUuid() + " not in the bundle"));
                continue;
            }
            out.add(execute(connection, "chart", c.name(), c.query(d, 1000)));
        }
        return out;
    }

    private static Result execute(final Connection connection, final String kind, final String name, final String sql) {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int rows = 0;
            while (rs.next()) {
                rows++;
            }
            return new Result(kind, name, sql, rows, null);
        } catch (final SQLException e) {
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (final SQLException ignored) {
                // the next query reports its own error
            }
            return new Result(kind, name, sql, 0, e.getMessage().lines().findFirst().orElse(e.getMessage()));
        }
    }
}

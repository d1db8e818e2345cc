package io.kamwarehouse.dashboards;

import static io.kamwarehouse.dashboards.DashboardBundle.MASK;
import static io.kamwarehouse.dashboards.DashboardBundle.URI_PASSWORD;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The checks of a loaded bundle against Superset's import format and against itself, without a
 * database (what the bundle's queries return on a serving database is {@link BundleVerifier}'s).
 */
final class BundleChecks {

    private static final java.util.regex.Pattern SUBQUERY = java.util.regex.Pattern.compile("(?i)\\bselect\\b");
    private static final Set<String> KINDS = Set.of("databases", "datasets", "charts", "dashboards");

    private BundleChecks() {
    }

    /**
     * Every way this bundle would fail to import or to render, as messages naming the file; empty
     * when the bundle is sound. Checks: metadata, unique UUIDs, masked passwords, every dataset's
     * database and every chart's dataset present, every metric, column and order-by a chart names
     * present in its dataset, no sub-query in a chart's filters, every chart's saved query_context present and the one its params give,
     * every chart on a dashboard and every dashboard chart present.
     */
    static List<String> problems(final DashboardBundle bundle) {
        final Map<String, Map<String, Object>> files = bundle.allFiles();
        final List<String> out = new ArrayList<>();
        final Map<String, Object> meta = files.get("metadata.yaml");
        if (meta == null) {
            out.add("metadata.yaml is missing");
        } else {
            if (!"1.0.0".equals(String.valueOf(meta.get("version")))) {
                out.add("metadata.yaml: version must be 1.0.0");
            }
            if (!"Dashboard".equals(meta.get("type"))) {
                out.add("metadata.yaml: type must be Dashboard (import-dashboards reads dashboard bundles)");
            }
        }
        for (final String rel : files.keySet()) {
            final String kind = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : "";
            if (!rel.equals("metadata.yaml") && !KINDS.contains(kind)) {
                out.add(rel + ": not a place the import format knows (databases/, datasets/<db>/, charts/, dashboards/)");
            }
        }
        final Map<String, String> uuids = new HashMap<>();
        files.forEach((rel, m) -> {
            if (rel.equals("metadata.yaml")) {
                return;
            }
            final Object u = m.get("uuid");
            if (!(u instanceof String s) || !s.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
                out.add(rel + ": uuid missing or not a UUID");
            } else if (uuids.putIfAbsent(s, rel) != null) {
                out.add(rel + ": uuid " + s + " is also the uuid of " + uuids.get(s));
            }
            if (!"1.0.0".equals(String.valueOf(m.get("version")))) {
                out.add(rel + ": version must be 1.0.0");
            }
        });
        final Set<String> databases = new LinkedHashSet<>();
        bundle.files("databases").forEach((rel, m) -> {
            databases.add(String.valueOf(m.get("uuid")));
            if (!(m.get("database_name") instanceof String)) {
                out.add(rel + ": database_name missing");
            }
            final String uri = String.valueOf(m.get("sqlalchemy_uri"));
            final Matcher pw = URI_PASSWORD.matcher(uri);
            if (pw.matches() && !pw.group(2).equals(MASK)) {
                out.add(rel + ": sqlalchemy_uri carries a password; write " + MASK + " (the secret is supplied at import time)");
            }
            if (!uri.startsWith("postgresql")) {
                out.add(rel + ": sqlalchemy_uri must point at the PostgreSQL serving database");
            }
        });
        final Map<String, DashboardBundle.Dataset> datasets = bundle.datasets();
        for (final DashboardBundle.Dataset d : datasets.values()) {
            if (!databases.contains(d.databaseUuid())) {
                out.add(d.path() + ": database_uuid " + d.databaseUuid() + " is not a database of the bundle");
            }
            if (!d.path().startsWith("datasets/") || d.path().split("/").length != 3) {
                out.add(d.path() + ": datasets must sit in datasets/<database>/");
            }
            if (d.tableName() == null || d.tableName().isBlank()) {
                out.add(d.path() + ": table_name missing");
            }
            if (d.columns().isEmpty()) {
                out.add(d.path() + ": no columns");
            }
            if (d.mainDttmCol() != null && !d.columns().containsKey(d.mainDttmCol())) {
                out.add(d.path() + ": main_dttm_col " + d.mainDttmCol() + " is not a column");
            }
        }
        final Set<String> chartUuids = new LinkedHashSet<>();
        for (final DashboardBundle.Chart c : bundle.charts()) {
            chartUuids.add(c.uuid());
            final DashboardBundle.Dataset d = datasets.get(c.datasetUuid());
            if (d == null) {
                out.add(c.path() + ": dataset_uuid " + c.datasetUuid() + " is not a dataset of the bundle");
                continue;
            }
            if (!c.vizType().equals(c.params().get("viz_type"))) {
                out.add(c.path() + ": params.viz_type differs from viz_type");
            }
            for (final String m : c.metrics()) {
                if (!d.metrics().containsKey(m)) {
                    out.add(c.path() + ": metric " + m + " is not a metric of dataset " + d.tableName());
                }
            }
            for (final String col : c.columns()) {
                if (!d.columns().containsKey(col)) {
                    out.add(c.path() + ": column " + col + " is not a column of dataset " + d.tableName());
                }
            }
            if (c.metrics().isEmpty() && !c.isRaw()) {
                out.add(c.path() + ": an aggregate chart needs at least one metric");
            }
            if (c.isRaw() && c.columns().isEmpty()) {
                out.add(c.path() + ": a raw table chart needs all_columns");
            }
            for (final String f : c.filters()) {
                if (SUBQUERY.matcher(f).find()) {
                    out.add(c.path() + ": filter " + f + " holds a sub-query, which Superset refuses in a chart's custom SQL"
                            + " (\"Custom SQL fields cannot contain sub-queries\"); compute it in the dataset's SQL and filter on that column");
                }
            }
            final String qc = QueryContexts.problem(c, files.get(c.path()).get("query_context"));
            if (qc != null) {
                out.add(c.path() + ": " + qc);
            }
        }
        final Set<String> placed = new LinkedHashSet<>();
        bundle.files("dashboards").forEach((rel, m) -> {
            if (!(m.get("dashboard_title") instanceof String)) {
                out.add(rel + ": dashboard_title missing");
            }
            if (!(m.get("position") instanceof Map<?, ?> position)) {
                out.add(rel + ": position missing");
                return;
            }
            for (final Object node : position.values()) {
                if (node instanceof Map<?, ?> n && "CHART".equals(n.get("type"))) {
                    final Object meta2 = n.get("meta");
                    final Object u = meta2 instanceof Map<?, ?> mm ? mm.get("uuid") : null;
                    if (!chartUuids.contains(String.valueOf(u))) {
                        out.add(rel + ": chart " + u + " in position is not a chart of the bundle");
                    }
                    placed.add(String.valueOf(u));
                }
            }
        });
        for (final DashboardBundle.Chart c : bundle.charts()) {
            if (!placed.contains(c.uuid())) {
                out.add(c.path() + ": on no dashboard");
            }
        }
        return out;
    }
}

package io.kamwarehouse.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;


import io.kamwarehouse.KamwException;
import io.kamwarehouse.YamlFields;

/**
 * The Superset import bundle kept under {@code dashboards/bundle/} as plain YAML (format v1:
 * {@code metadata.yaml}, {@code databases/}, {@code datasets/<database>/}, {@code charts/},
 * {@code dashboards/}). Checks its structure against the import format ({@link BundleChecks}), zips it
 * for {@code superset import-dashboards -p FILE.zip} ({@link BundleZip}), and derives the SQL that
 * every dataset and chart runs, so the bundle can be proved against the serving database
 * ({@link BundleVerifier}).
 */
public final class DashboardBundle {

    /** What Superset writes in place of a password in an exported URI. */
    public static final String MASK = "XXXXXXXXXX";
    static final Pattern URI_PASSWORD = Pattern.compile("^([a-z0-9+]+://[^:/@]+:)([^@]*)(@.*)$");
    static final Pattern URI_USER = Pattern.compile("^([a-z0-9+]+://[^:/@]+)(@.*)$");

    private final Path root;
    /** Relative path (e.g. {@code charts/NPS.yaml}) to its parsed content, in path order. */
    private final TreeMap<String, Map<String, Object>> files;

    private DashboardBundle(final Path root, final TreeMap<String, Map<String, Object>> files) {
        this.root = root;
        this.files = files;
    }

    /** Reads every YAML file of a bundle folder; a clear error when the folder or a file is not readable. */
    public static DashboardBundle load(final Path root) {
        if (!Files.isDirectory(root)) {
            throw new KamwException("dashboard bundle folder " + root + " does not exist; point --bundle (or KAMW_DASHBOARDS) at the"
                    + " project's dashboards/bundle folder");
        }
        final TreeMap<String, Map<String, Object>> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (final Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".yaml")) {
                    final String rel = root.relativize(p).toString().replace('\\', '/');
                    final String text = Files.readString(p, StandardCharsets.UTF_8);
                    files.put(rel, new YamlFields<>("dashboard bundle file " + rel, KamwException::new).document(text));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read dashboard bundle " + root, e);
        }
        return new DashboardBundle(root, files);
    }

    public Path root() {
        return root;
    }

    /** Every file of the bundle by relative path, in path order. */
    Map<String, Map<String, Object>> allFiles() {
        return java.util.Collections.unmodifiableMap(files);
    }

    /** Files of one kind ({@code databases}, {@code datasets}, {@code charts}, {@code dashboards}) by relative path. */
    public Map<String, Map<String, Object>> files(final String kind) {
        final Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        files.forEach((k, v) -> {
            if (k.startsWith(kind + "/")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Datasets by UUID. */
    public Map<String, Dataset> datasets() {
        final Map<String, Dataset> out = new LinkedHashMap<>();
        files("datasets").forEach((path, m) -> {
            final Dataset d = Dataset.of(path, m);
            out.put(d.uuid(), d);
        });
        return out;
    }

    /** Charts in file order. */
    public List<Chart> charts() {
        final List<Chart> out = new ArrayList<>();
        files("charts").forEach((path, m) -> out.add(Chart.of(path, m)));
        return out;
    }

    /**
     * Every way this bundle would fail to import or to render, as messages naming the file; empty
     * when the bundle is sound. Checks: metadata, unique UUIDs, masked passwords, every dataset's
     * database and every chart's dataset present, every metric, column and order-by a chart names
     * present in its dataset, every chart on a dashboard and every dashboard chart present.
     */
    public List<String> problems() {
        return BundleChecks.problems(this);
    }

    /** Throws with every problem listed when the bundle is not sound. */
    public void check() {
        final List<String> p = problems();
        if (!p.isEmpty()) {
            throw new KamwException("the dashboard bundle in " + root + " has " + p.size() + " problem(s):\n  " + String.join("\n  ", p));
        }
    }

    /**
     * Writes the import zip: one root folder holding the bundle files. When {@code uri} is given it
     * replaces every database's sqlalchemy_uri; when {@code password} is given it replaces the masked
     * password (then the zip holds a secret); a {@code uri} given without a password stays without
     * one. Returns whether the zip's database URI carries the masked password.
     */
    public boolean zip(final Path out, final String folder, final String uri, final String password) {
        return BundleZip.write(this, out, folder, uri, password, null);
    }

    /**
     * Writes the import zip of a team lead's copy of the dashboards: its own database connection,
     * logging in as {@code teamRole} (the serving database's row-level security then shows only the
     * role's teams), with every dataset, chart and dashboard under new UUIDs derived from the role,
     * so the copy imports beside the reader's dashboards. Titles and slugs carry the role. Without
     * {@code uri} the bundle's URI is used with the role as its user.
     */
    public boolean zipForTeamRole(final Path out, final String folder, final String uri, final String password,
            final String teamRole) {
        return BundleZip.write(this, out, folder, uri, password, teamRole);
    }

    /** A Superset dataset: a physical table (schema.table_name) or a virtual one (sql). */
    public record Dataset(String path, String uuid, String databaseUuid, String tableName, String schema, String sql,
            String mainDttmCol, Map<String, String> columns, Map<String, String> metrics) {

        static Dataset of(final String path, final Map<String, Object> m) {
            final Map<String, String> cols = new LinkedHashMap<>();
            for (final Map<String, Object> c : list(m.get("columns"))) {
                cols.put(String.valueOf(c.get("column_name")), String.valueOf(c.get("type")));
            }
            final Map<String, String> metrics = new LinkedHashMap<>();
            for (final Map<String, Object> c : list(m.get("metrics"))) {
                metrics.put(String.valueOf(c.get("metric_name")), String.valueOf(c.get("expression")));
            }
            return new Dataset(path, String.valueOf(m.get("uuid")), String.valueOf(m.get("database_uuid")),
                    (String) m.get("table_name"), (String) m.get("schema"), (String) m.get("sql"), (String) m.get("main_dttm_col"),
                    cols, metrics);
        }

        /** What the dataset reads from: the schema-qualified table, or the virtual SQL as a subquery. */
        public String from() {
            if (sql != null && !sql.isBlank()) {
                return "(" + sql.strip().replaceAll(";\\s*$", "") + ") AS " + tableName;
            }
            return (schema == null ? "" : schema + ".") + tableName;
        }

        /** The query Superset runs to list the dataset's columns (and that proves it reads). */
        public String sampleQuery(final int limit) {
            return "SELECT " + String.join(", ", columns.keySet()) + " FROM " + from() + " LIMIT " + limit;
        }
    }

    /** A chart: its dataset, viz type and the params that decide its query. */
    public record Chart(String path, String uuid, String name, String vizType, String datasetUuid, Map<String, Object> params) {

        static Chart of(final String path, final Map<String, Object> m) {
            @SuppressWarnings("unchecked")
            final Map<String, Object> params = m.get("params") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
            return new Chart(path, String.valueOf(m.get("uuid")), String.valueOf(m.get("slice_name")), String.valueOf(m.get("viz_type")),
                    String.valueOf(m.get("dataset_uuid")), params);
        }

        boolean isRaw() {
            return "raw".equals(params.get("query_mode"));
        }

        /** Saved metrics the chart uses ({@code metrics}, {@code metric}, the sort metric). */
        public List<String> metrics() {
            final Set<String> out = new LinkedHashSet<>();
            if (!isRaw()) {
                out.addAll(strings(params.get("metrics")));
                if (params.get("metric") instanceof String s) {
                    out.add(s);
                }
                if (params.get("timeseries_limit_metric") instanceof String s) {
                    out.add(s);
                }
            }
            return List.copyOf(out);
        }

        /** Columns the chart groups by or shows, in query order (x axis first). */
        public List<String> columns() {
            final Set<String> out = new LinkedHashSet<>();
            if (params.get("x_axis") instanceof String s) {
                out.add(s);
            }
            for (final String k : List.of("groupby", "groupbyRows", "groupbyColumns", "all_columns")) {
                out.addAll(strings(params.get(k)));
            }
            return List.copyOf(out);
        }

        /** SQL WHERE conditions of the chart's adhoc filters. */
        public List<String> filters() {
            final List<String> out = new ArrayList<>();
            for (final Map<String, Object> f : list(params.get("adhoc_filters"))) {
                if ("SQL".equals(f.get("expressionType")) && f.get("sqlExpression") instanceof String s) {
                    out.add(s);
                }
            }
            return out;
        }

        /**
         * The query the chart sends for its dataset, in PostgreSQL: the x axis truncated to its time
         * grain, grouped by the chart's columns, with its saved metrics and filters.
         */
        public String query(final Dataset d, final int limit) {
            final List<String> select = new ArrayList<>();
            final List<String> group = new ArrayList<>();
            final String grain = params.get("time_grain_sqla") instanceof String g ? g : null;
            for (final String c : columns()) {
                final String expr = c.equals(params.get("x_axis")) && grain != null && d.columns().getOrDefault(c, "").matches("(?i)date|timestamp.*")
                        ? "DATE_TRUNC('" + truncUnit(grain) + "', " + c + ")" : c;
                select.add(expr + " AS " + c);
                group.add(expr);
            }
            if (!isRaw()) {
                for (final String m : metrics()) {
                    select.add(d.metrics().get(m) + " AS " + m);
                }
            }
            final StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM ").append(d.from());
            final List<String> where = filters();
            if (!where.isEmpty()) {
                sql.append(" WHERE ").append(String.join(" AND ", where.stream().map(w -> "(" + w + ")").toList()));
            }
            if (!isRaw() && !group.isEmpty()) {
                sql.append(" GROUP BY ").append(String.join(", ", group));
            }
            return sql.append(" LIMIT ").append(limit).toString();
        }

        private static String truncUnit(final String grain) {
            return switch (grain) {
                case "P1D" -> "day";
                case "P1W" -> "week";
                case "P3M" -> "quarter";
                case "P1Y" -> "year";
                default -> "month";
            };
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(final Object o) {
        final List<Map<String, Object>> out = new ArrayList<>();
        if (o instanceof Collection<?> c) {
            for (final Object e : c) {
                if (e instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }

    static List<String> strings(final Object o) {
        final List<String> out = new ArrayList<>();
        if (o instanceof Collection<?> c) {
            for (final Object e : c) {
                if (e instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}

package io.kamwarehouse.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kamwarehouse.KamwException;

/**
 * A chart's saved {@code query_context}: the request Superset's chart-data API runs for the chart
 * when it is asked by id (reports, alerts, thumbnails, cache warm-up, {@code GET
 * /api/v1/chart/<id>/data/}). Superset's explore view writes it when a chart is saved; a chart
 * imported without one answers "Chart has no query context saved". This derives it from the
 * chart's params the way the chart types of the bundle build their queries, so the bundle carries
 * it and {@link BundleChecks} can hold it to the params. The datasource is left out: the importer
 * sets it to the imported dataset.
 */
public final class QueryContexts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QueryContexts() {
    }

    /** The query context of a chart, derived from its params, as a JSON tree. */
    public static ObjectNode of(final DashboardBundle.Chart chart) {
        final Map<String, Object> p = chart.params();
        final String viz = chart.vizType();
        final List<Object> columns = new ArrayList<>();
        final List<Object> metrics = new ArrayList<>();
        final List<Object> orderby = new ArrayList<>();
        final List<Object> post = new ArrayList<>();
        final boolean desc = !Boolean.FALSE.equals(p.get("order_desc"));
        final List<String> groupby = DashboardBundle.strings(p.get("groupby"));
        switch (viz) {
            case "echarts_timeseries_bar", "echarts_timeseries_line" -> {
                final String x = (String) p.get("x_axis");
                final Map<String, Object> axis = new LinkedHashMap<>();
                if (p.get("time_grain_sqla") instanceof String grain) {
                    axis.put("timeGrain", grain);
                }
                axis.put("columnType", "BASE_AXIS");
                axis.put("sqlExpression", x);
                axis.put("label", x);
                axis.put("expressionType", "SQL");
                columns.add(axis);
                columns.addAll(groupby);
                metrics.addAll(chart.metrics());
                if (!metrics.isEmpty()) {
                    orderby.add(List.of(metrics.get(0), !desc));
                }
                final Map<String, Object> aggregates = new LinkedHashMap<>();
                chart.metrics().forEach(m -> aggregates.put(m, Map.of("operator", "mean")));
                final Map<String, Object> pivot = new LinkedHashMap<>();
                pivot.put("index", List.of(x));
                pivot.put("columns", groupby);
                pivot.put("aggregates", aggregates);
                pivot.put("drop_missing_columns", false);
                post.add(operation("pivot", pivot));
                if (metrics.size() == 1 && !groupby.isEmpty()) {
                    final Map<String, Object> names = new LinkedHashMap<>();
                    names.put((String) metrics.get(0), null);
                    final Map<String, Object> rename = new LinkedHashMap<>();
                    rename.put("columns", names);
                    rename.put("level", 0);
                    rename.put("inplace", true);
                    post.add(operation("rename", rename));
                }
                post.add(operation("flatten", null));
            }
            case "big_number_total" -> metrics.addAll(chart.metrics());
            case "pivot_table_v2" -> {
                columns.addAll(DashboardBundle.strings(p.get("groupbyRows")));
                columns.addAll(DashboardBundle.strings(p.get("groupbyColumns")));
                metrics.addAll(chart.metrics());
                if (!metrics.isEmpty()) {
                    orderby.add(List.of(metrics.get(0), !desc));
                }
            }
            case "heatmap_v2" -> {
                columns.add(p.get("x_axis"));
                columns.addAll(groupby);
                metrics.addAll(chart.metrics());
                final Map<String, Object> rank = new LinkedHashMap<>();
                rank.put("metric", metrics.get(0));
                if ("x".equals(p.get("normalize_across"))) {
                    rank.put("group_by", p.get("x_axis"));
                } else if ("y".equals(p.get("normalize_across"))) {
                    rank.put("group_by", groupby.isEmpty() ? null : groupby.get(0));
                }
                post.add(operation("rank", rank));
            }
            case "table" -> {
                if (chart.isRaw()) {
                    columns.addAll(DashboardBundle.strings(p.get("all_columns")));
                    for (final String o : DashboardBundle.strings(p.get("order_by_cols"))) {
                        orderby.add(parse(chart, o));
                    }
                } else {
                    columns.addAll(groupby);
                    metrics.addAll(chart.metrics());
                    final Object sortBy = p.get("timeseries_limit_metric") instanceof String s ? s : metrics.isEmpty() ? null : metrics.get(0);
                    if (sortBy != null) {
                        orderby.add(List.of(sortBy, !desc));
                    }
                }
            }
            default -> throw new KamwException(chart.path() + ": viz_type " + viz + " has no query_context derivation; add one to "
                    + QueryContexts.class.getSimpleName());
        }
        final Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("having", "");
        extras.put("where", String.join(" AND ", chart.filters().stream().map(w -> "(" + w + ")").toList()));
        final Map<String, Object> query = new LinkedHashMap<>();
        query.put("filters", List.of());
        query.put("extras", extras);
        query.put("applied_time_extras", Map.of());
        query.put("columns", columns);
        // A raw table asks for no metrics at all (null): an empty list would make Superset group by every column.
        query.put("metrics", "table".equals(viz) && chart.isRaw() ? null : metrics);
        query.put("orderby", orderby);
        query.put("annotation_layers", List.of());
        if (p.get("row_limit") instanceof Number n) {
            query.put("row_limit", n.intValue());
        }
        query.put("series_limit", 0);
        query.put("order_desc", desc);
        query.put("url_params", Map.of());
        query.put("custom_params", Map.of());
        query.put("custom_form_data", Map.of());
        query.put("post_processing", post);
        final Map<String, Object> context = new LinkedHashMap<>();
        context.put("force", false);
        context.put("queries", List.of(query));
        context.put("form_data", p);
        context.put("result_format", "json");
        context.put("result_type", "full");
        return JSON.valueToTree(context);
    }

    /** The chart's derived query context as the one-line JSON text the bundle keeps. */
    public static String text(final DashboardBundle.Chart chart) {
        try {
            return JSON.writeValueAsString(of(chart));
        } catch (final JsonProcessingException e) {
            throw new KamwException(chart.path() + ": cannot write its query_context: " + e.getMessage(), e);
        }
    }

    /**
     * What is wrong with a chart's saved query_context: missing, not JSON, or not the one its params
     * give (the datasource the importer sets is not compared). Null when it is right.
     */
    static String problem(final DashboardBundle.Chart chart, final Object saved) {
        if (!(saved instanceof String s) || s.isBlank()) {
            return "query_context missing (Superset's chart-data API answers \"Chart has no query context saved\");"
                    + " run bin/kamw dashboards sync";
        }
        final JsonNode tree;
        try {
            tree = JSON.readTree(s);
        } catch (final JsonProcessingException e) {
            return "query_context is not JSON: " + e.getOriginalMessage();
        }
        if (!(tree instanceof ObjectNode o)) {
            return "query_context is not a JSON object";
        }
        final ObjectNode copy = o.deepCopy();
        copy.remove("datasource");
        if (copy.get("form_data") instanceof ObjectNode fd) {
            fd.remove("datasource");
        }
        final ObjectNode want;
        try {
            want = of(chart);
        } catch (final KamwException e) {
            return e.getMessage();
        }
        if (!want.equals(copy)) {
            return "query_context differs from the one its params give (params edited without it?); run bin/kamw dashboards sync";
        }
        return null;
    }

    /**
     * Writes the derived query_context into every chart file whose saved one is missing or stale;
     * returns the files changed.
     */
    public static List<String> write(final DashboardBundle bundle) {
        final List<String> changed = new ArrayList<>();
        final Map<String, Map<String, Object>> files = bundle.files("charts");
        for (final DashboardBundle.Chart c : bundle.charts()) {
            if (problem(c, files.get(c.path()).get("query_context")) == null) {
                continue;
            }
            final Path file = bundle.root().resolve(c.path());
            try {
                final String text = Files.readString(file, StandardCharsets.UTF_8);
                final String line = "query_context: '" + text(c).replace("'", "''") + "'";
                final StringBuilder out = new StringBuilder();
                boolean done = false;
                for (final String l : text.split("\n", -1)) {
                    if (!done && l.startsWith("query_context:")) {
                        out.append(line);
                        done = true;
                    } else {
                        out.append(l);
                    }
                    out.append('\n');
                }
                String result = out.substring(0, out.length() - 1);
                if (!done) {
                    result = result + (result.endsWith("\n") ? "" : "\n") + line + "\n";
                }
                Files.writeString(file, result, StandardCharsets.UTF_8);
                changed.add(c.path());
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
        return changed;
    }

    private static Map<String, Object> operation(final String name, final Map<String, Object> options) {
        final Map<String, Object> op = new LinkedHashMap<>();
        op.put("operation", name);
        if (options != null) {
            op.put("options", options);
        }
        return op;
    }

    private static Object parse(final DashboardBundle.Chart chart, final String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (final JsonProcessingException e) {
            throw new KamwException(chart.path() + ": order_by_cols entry " + json + " is not JSON", e);
        }
    }
}

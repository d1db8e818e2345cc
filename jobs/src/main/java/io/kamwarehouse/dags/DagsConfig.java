package io.kamwarehouse.dags;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.spec.TableSpec;

/**
 * {@code dags/dags.yaml}: the schedules, owners and retries of the generated DAGs, and the
 * commands that are not a table's build. Everything else comes from the specs.
 */
public record DagsConfig(Map<String, Object> defaults, Map<String, String> spark, List<Dag> dags) {

    /** One DAG: its schedule and which specs' schedule it runs. */
    public record Dag(String id, String description, String schedule, String tables, boolean bronze, List<Command> commands) {
    }

    /** A task that runs a command other than a table's build, placed after and before tables. */
    public record Command(String taskId, List<String> args, List<String> after, List<String> before) {
    }

    private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    /** Parses the file strictly; errors name the file and the field. */
    @SuppressWarnings("unchecked")
    public static DagsConfig parse(final String origin, final String yaml) {
        final Map<String, Object> m;
        try {
            m = (Map<String, Object>) YAML.readValue(yaml, Map.class);
        } catch (final IOException | ClassCastException e) {
            throw new KamwException(origin + " is not a YAML mapping: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
        }
        keys(origin, null, m, Set.of("defaults", "spark", "dags"));
        final Map<String, Object> defaults = new LinkedHashMap<>(map(origin, "defaults", m.get("defaults")));
        keys(origin, "defaults", defaults, Set.of("owner", "retries", "retry_delay_minutes", "start_date"));
        final Map<String, String> spark = new LinkedHashMap<>();
        final Map<String, Object> sparkRaw = map(origin, "spark", m.get("spark"));
        keys(origin, "spark", sparkRaw, Set.of("conn_id", "driver_memory", "executor_memory", "executor_cores", "num_executors"));
        sparkRaw.forEach((k, v) -> spark.put(k, String.valueOf(v)));
        final List<Dag> dags = new ArrayList<>();
        for (final Map.Entry<String, Object> e : map(origin, "dags", m.get("dags")).entrySet()) {
            final String where = "dags." + e.getKey();
            if (!e.getKey().matches("[a-z][a-z0-9_]*")) {
                throw new KamwException(origin + ", " + where + ": a DAG id is lower snake case");
            }
            final Map<String, Object> d = map(origin, where, e.getValue());
            keys(origin, where, d, Set.of("description", "schedule", "tables", "bronze", "commands"));
            final String tables = String.valueOf(d.get("tables"));
            if (!TableSpec.SCHEDULES.contains(tables) && !"none".equals(tables)) {
                throw new KamwException(origin + ", " + where + ".tables: '" + tables + "' is not one of " + TableSpec.SCHEDULES
                        + " or none");
            }
            if (d.get("schedule") == null) {
                throw new KamwException(origin + ", " + where + ".schedule: is missing (a cron expression or @daily)");
            }
            final List<Command> commands = new ArrayList<>();
            for (final Map.Entry<String, Object> c : map(origin, where + ".commands", d.get("commands")).entrySet()) {
                final String cw = where + ".commands." + c.getKey();
                final Map<String, Object> cm = map(origin, cw, c.getValue());
                keys(origin, cw, cm, Set.of("args", "after", "before"));
                final List<String> args = strings(origin, cw + ".args", cm.get("args"));
                if (args.isEmpty()) {
                    throw new KamwException(origin + ", " + cw + ".args: the command's arguments are missing");
                }
                commands.add(new Command(c.getKey(), args, strings(origin, cw + ".after", cm.get("after")),
                        strings(origin, cw + ".before", cm.get("before"))));
            }
            dags.add(new Dag(e.getKey(), String.valueOf(d.getOrDefault("description", e.getKey())), String.valueOf(d.get("schedule")),
                    tables, Boolean.parseBoolean(String.valueOf(d.getOrDefault("bronze", false))), commands));
        }
        return new DagsConfig(defaults, spark, dags);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final String origin, final String field, final Object v) {
        if (v == null) {
            return new LinkedHashMap<>();
        }
        if (!(v instanceof Map)) {
            throw new KamwException(origin + ", " + field + ": must be a mapping (key: value)");
        }
        return (Map<String, Object>) v;
    }

    private static List<String> strings(final String origin, final String field, final Object v) {
        final List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> l)) {
            throw new KamwException(origin + ", " + field + ": must be a list, e.g. [a, b]");
        }
        l.forEach(x -> out.add(String.valueOf(x)));
        return out;
    }

    private static void keys(final String origin, final String field, final Map<String, Object> m, final Set<String> allowed) {
        for (final String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new KamwException(origin + (field == null ? "" : ", " + field) + ": unknown key '" + k + "' (allowed: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }
}

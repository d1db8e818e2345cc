package io.kamwarehouse.dags;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.YamlFields;
import io.kamwarehouse.spec.TableSpec;

/**
 * {@code dags/dags.yaml}: the schedules, owners and retries of the generated DAGs, and the
 * commands that are not a table's build. Everything else comes from the specs.
 */
public record DagsConfig(Map<String, Object> defaults, Map<String, String> spark, List<Dag> dags) {

    /**
     * One DAG: its schedule ({@code none}: run by hand), which specs' schedule it runs ({@code all}
     * for every one), whether it runs the bronze tables, and whether it holds the public example
     * data sets' tables and contracts instead of the product's.
     */
    public record Dag(String id, String description, String schedule, String tables, boolean bronze, List<Command> commands,
            boolean examples, String groupBy) {

        /** The schedule value of a DAG that only runs when triggered. */
        public static final String MANUAL = "none";
        /** How a DAG's tables become tasks: one task per table, or one per layer or domain running the group's tables. */
        public static final List<String> GROUP_BY = List.of("table", "layer", "domain");

        /** True when each table has its own task. */
        public boolean perTable() {
            return "table".equals(groupBy);
        }

        /** True when the DAG runs only when triggered. */
        public boolean manual() {
            return MANUAL.equals(schedule);
        }
    }

    /** A task that runs a command other than a table's build, placed after and before tables. */
    public record Command(String taskId, List<String> args, List<String> after, List<String> before) {
    }

    /**
     * Reads {@code dags.yaml} from the DAG folder {@code dir}; a missing or unreadable file is
     * refused with what to do.
     */
    public static DagsConfig load(final java.nio.file.Path dir) {
        final java.nio.file.Path yaml = dir.resolve("dags.yaml");
        if (!java.nio.file.Files.isRegularFile(yaml)) {
            throw new KamwException(yaml + " is missing: the DAG folder needs its dags.yaml (pass --dir or set KAMW_DAGS)");
        }
        try {
            return parse(yaml.toString(), java.nio.file.Files.readString(yaml, java.nio.charset.StandardCharsets.UTF_8));
        } catch (final java.io.IOException e) {
            throw new KamwException("cannot read " + yaml + ": " + e.getMessage());
        }
    }

    /** The DAG of this id; refused with the ids there are. */
    public Dag dag(final String id) {
        return dags.stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new KamwException("no such DAG " + id + " in dags.yaml; its DAGs: "
                        + String.join(", ", dags.stream().map(Dag::id).toList())));
    }

    /** Parses the file strictly; errors name the file and the field. */
    public static DagsConfig parse(final String origin, final String yaml) {
        final YamlFields<KamwException> f = new YamlFields<>(origin, KamwException::new);
        final Map<String, Object> m = f.document(yaml);
        f.unknownKeys(null, m.keySet(), Set.of("defaults", "spark", "dags"));
        final Map<String, Object> defaults = new LinkedHashMap<>(f.optionalMapping(m.get("defaults"), "defaults"));
        f.unknownKeys("defaults", defaults.keySet(), Set.of("owner", "retries", "retry_delay_minutes", "start_date"));
        final Map<String, String> spark = new LinkedHashMap<>();
        final Map<String, Object> sparkRaw = f.optionalMapping(m.get("spark"), "spark");
        f.unknownKeys("spark", sparkRaw.keySet(), Set.of("conn_id", "driver_memory", "executor_memory", "executor_cores", "num_executors"));
        sparkRaw.forEach((k, v) -> spark.put(k, String.valueOf(v)));
        final List<Dag> dags = new ArrayList<>();
        for (final Map.Entry<String, Object> e : f.optionalMapping(m.get("dags"), "dags").entrySet()) {
            final String where = "dags." + e.getKey();
            if (!e.getKey().matches("[a-z][a-z0-9_]*")) {
                throw f.error(where, "a DAG id is lower snake case");
            }
            final Map<String, Object> d = f.optionalMapping(e.getValue(), where);
            f.unknownKeys(where, d.keySet(), Set.of("description", "schedule", "tables", "bronze", "commands", "examples",
                    "group_by"));
            final String groupBy = String.valueOf(d.getOrDefault("group_by", "table"));
            if (!Dag.GROUP_BY.contains(groupBy)) {
                throw new KamwException(origin + ", " + where + ".group_by: '" + groupBy + "' is not one of " + String.join(", ", Dag.GROUP_BY));
            }
            final String tables = String.valueOf(d.get("tables"));
            if (!TableSpec.SCHEDULES.contains(tables) && !"none".equals(tables) && !"all".equals(tables)) {
                throw new KamwException(origin + ", " + where + ".tables: '" + tables + "' is not one of " + TableSpec.SCHEDULES
                        + ", all or none");
            }
            if (d.get("schedule") == null) {
                throw new KamwException(origin + ", " + where + ".schedule: is missing (a cron expression, @daily, or none to run it by hand)");
            }
            final List<Command> commands = new ArrayList<>();
            for (final Map.Entry<String, Object> c : f.optionalMapping(d.get("commands"), where + ".commands").entrySet()) {
                final String cw = where + ".commands." + c.getKey();
                final Map<String, Object> cm = f.optionalMapping(c.getValue(), cw);
                f.unknownKeys(cw, cm.keySet(), Set.of("args", "after", "before"));
                final List<String> args = f.list(cm.get("args"), cw + ".args");
                if (args.isEmpty()) {
                    throw new KamwException(origin + ", " + cw + ".args: the command's arguments are missing");
                }
                commands.add(new Command(c.getKey(), args, f.list(cm.get("after"), cw + ".after"),
                        f.list(cm.get("before"), cw + ".before")));
            }
            dags.add(new Dag(e.getKey(), String.valueOf(d.getOrDefault("description", e.getKey())), String.valueOf(d.get("schedule")),
                    tables, Boolean.parseBoolean(String.valueOf(d.getOrDefault("bronze", false))), commands,
                    Boolean.parseBoolean(String.valueOf(d.getOrDefault("examples", false))), groupBy));
        }
        return new DagsConfig(defaults, spark, dags);
    }
}

package io.kamwarehouse.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.YamlFields;
import io.kamwarehouse.runtime.Warehouse;

/**
 * What is published to the serving database and who may read it ({@code conf/serving.yaml}).
 *
 * @param schema          PostgreSQL schema the tables go into
 * @param prefixes        gold table prefixes to publish ({@code dim_}, {@code fct_}, {@code mart_})
 * @param exclude         gold tables not to publish
 * @param teamColumn      the column row-level security filters on ({@code team_id})
 * @param teamRestricted  tables whose rows a team role sees only for its teams (when they have the column)
 * @param readerRole      the read-only role that sees every row (Superset's login)
 * @param teamReaderRole  the group role of the team roles
 * @param teamRoles       team role name to the teams it sees
 * @param embeddedPort    port of the embedded server on 127.0.0.1
 * @param embeddedDatabase database created in the embedded server
 */
public record ServingConfig(
        String schema,
        List<String> prefixes,
        List<String> exclude,
        String teamColumn,
        List<String> teamRestricted,
        String readerRole,
        String teamReaderRole,
        Map<String, List<String>> teamRoles,
        int embeddedPort,
        String embeddedDatabase) {

    /** Environment variable naming the folder of {@code serving.yaml} (bin/kamw sets it to conf/). */
    public static final String ENV_CONF = "KAMW_CONF";
    static final String FILE = "serving.yaml";

    private static final String IDENT = "[a-z_][a-z0-9_]*";

    public ServingConfig {
        prefixes = List.copyOf(prefixes);
        exclude = List.copyOf(exclude);
        teamRestricted = List.copyOf(teamRestricted);
        final Map<String, List<String>> roles = new LinkedHashMap<>();
        teamRoles.forEach((k, v) -> roles.put(k, List.copyOf(v)));
        teamRoles = Map.copyOf(roles);
        for (final String id : List.of(schema, readerRole, teamReaderRole, teamColumn)) {
            requireIdentifier(id);
        }
        teamRoles.keySet().forEach(ServingConfig::requireIdentifier);
    }

    /** True when a table is published: a gold table with a listed prefix, not excluded. */
    public boolean publishes(final String table) {
        return Warehouse.layerOf(table).equals("gold") && prefixes.stream().anyMatch(table::startsWith)
                && !exclude.contains(table);
    }

    /** A copy with other team-restricted tables and team roles (tests use it with fixture tables). */
    public ServingConfig withTeams(final List<String> restricted, final Map<String, List<String>> roles) {
        return new ServingConfig(schema, prefixes, exclude, teamColumn, restricted, readerRole, teamReaderRole, roles,
                embeddedPort, embeddedDatabase);
    }

    /** A copy publishing into another schema. */
    public ServingConfig withSchema(final String other) {
        return new ServingConfig(other, prefixes, exclude, teamColumn, teamRestricted, readerRole, teamReaderRole,
                teamRoles, embeddedPort, embeddedDatabase);
    }

    static void requireIdentifier(final String id) {
        if (id == null || !id.matches(IDENT) || id.length() > 63) {
            throw new KamwException("conf/serving.yaml: '" + id + "' is not a PostgreSQL name this tool accepts "
                    + "(lower snake case, at most 63 characters)");
        }
    }

    /** Loads {@code serving.yaml} from {@code $KAMW_CONF}, else the copy inside the jar. */
    public static ServingConfig load() {
        final String dir = System.getenv(ENV_CONF);
        if (dir != null && !dir.isBlank()) {
            final Path p = Paths.get(dir, FILE);
            if (Files.isRegularFile(p)) {
                try {
                    return parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
                } catch (final IOException e) {
                    throw new KamwException("cannot read " + p + ": " + e.getMessage());
                }
            }
        }
        try (InputStream in = ServingConfig.class.getClassLoader().getResourceAsStream("conf/" + FILE)) {
            if (in == null) {
                throw new KamwException("conf/serving.yaml is missing (set " + ENV_CONF + " to the folder holding it)");
            }
            return parse("conf/" + FILE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new KamwException("cannot read conf/serving.yaml from the application: " + e.getMessage());
        }
    }

    /** Parses the file strictly: unknown keys are errors that name the file and the key. */
    public static ServingConfig parse(final String origin, final String yaml) {
        final YamlFields<KamwException> f = new YamlFields<>(origin, KamwException::new);
        final Map<String, Object> m = f.document(yaml);
        f.unknownKeys(null, m.keySet(), Set.of("schema", "publish", "team_restricted", "roles", "team_roles", "embedded"));
        final Map<String, Object> publish = f.optionalMapping(m.get("publish"), "publish");
        f.unknownKeys("publish", publish.keySet(), Set.of("prefixes", "exclude"));
        final Map<String, Object> restricted = f.optionalMapping(m.get("team_restricted"), "team_restricted");
        f.unknownKeys("team_restricted", restricted.keySet(), Set.of("column", "tables"));
        final Map<String, Object> roles = f.optionalMapping(m.get("roles"), "roles");
        f.unknownKeys("roles", roles.keySet(), Set.of("reader", "team_reader"));
        final Map<String, Object> embedded = f.optionalMapping(m.get("embedded"), "embedded");
        f.unknownKeys("embedded", embedded.keySet(), Set.of("port", "database"));
        final Map<String, List<String>> teamRoles = new LinkedHashMap<>();
        f.optionalMapping(m.get("team_roles"), "team_roles").forEach((k, v) -> teamRoles.put(k, f.list(v, "team_roles." + k)));
        final int port;
        try {
            port = Integer.parseInt(String.valueOf(embedded.getOrDefault("port", 5433)));
        } catch (final NumberFormatException e) {
            throw new KamwException(origin + ", embedded.port: '" + embedded.get("port") + "' is not a port number");
        }
        return new ServingConfig(
                String.valueOf(m.getOrDefault("schema", "kamw")),
                publish.containsKey("prefixes") ? f.list(publish.get("prefixes"), "publish.prefixes") : List.of("dim_", "fct_", "mart_"),
                f.list(publish.get("exclude"), "publish.exclude"),
                String.valueOf(restricted.getOrDefault("column", "team_id")),
                f.list(restricted.get("tables"), "team_restricted.tables"),
                String.valueOf(roles.getOrDefault("reader", "kamw_reader")),
                String.valueOf(roles.getOrDefault("team_reader", "kamw_team_reader")),
                teamRoles, port,
                String.valueOf(embedded.getOrDefault("database", "kamw")));
    }
}

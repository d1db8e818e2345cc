package io.kamwarehouse.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small project for tests of how tables are scheduled and selected: the shipped contracts, the
 * teams silver spec, and five gold tables built from it: two side by side, one from both, one
 * whose query has a typo (it fails) and one built from that; plus a teams drop of three rows.
 */
public final class TeamTables {

    /** The teams extract of the drop. */
    public static final String TEAMS = """
            team_id,team_name,parent_team_id,team_type,region,manager_employee_id,created_date,updated_at
            TM-001,East Region,,region,East,E100001,2017-01-03,2018-06-24 09:48:29
            TM-002,East Key Accounts,TM-001,key_account,East,E100002,2017-06-05,2022-10-30 16:33:03
            TM-003,West Region,,region,West,E100003,2018-02-01,2021-03-04 10:00:00
            """;

    private TeamTables() {
    }

    private static String table(final String name, final String inputs) {
        return "name: " + name + "\nlayer: gold\ndescription: a test table\ngrain: one row per team_id\nkeys: [team_id]\n"
                + "inputs: [" + inputs + "]\njob: sql\nchecks:\n  - unique: [team_id]\n  - not_null: [team_id]\n"
                + "schedule: daily\nowner: test\n";
    }

    /**
     * Writes the specs into {@code root/schemas} and the drop of 2026-10-01 into
     * {@code root/warehouse/landing/crm/}; returns the schemas folder.
     */
    public static Path write(final Path root) throws java.io.IOException {
        final Path schemas = root.resolve("schemas");
        SharedSpark.copySourceContracts(schemas);
        final String silver = "tables/silver/crm/stg_crm__teams";
        Files.createDirectories(schemas.resolve(silver));
        Files.copy(SharedSpark.schemasDir().resolve(silver + "/table.yaml"), schemas.resolve(silver + "/table.yaml"));
        final Map<String, String[]> gold = new LinkedHashMap<>();
        gold.put("dim_team_names", new String[] {"stg_crm__teams", "SELECT team_id, team_name FROM stg_crm__teams"});
        gold.put("dim_team_regions", new String[] {"stg_crm__teams", "SELECT team_id, region FROM stg_crm__teams"});
        gold.put("dim_team_labels", new String[] {"dim_team_names, dim_team_regions",
            "SELECT n.team_id, concat(n.team_name, ' (', r.region, ')') AS label FROM dim_team_names n "
                    + "JOIN dim_team_regions r ON r.team_id = n.team_id"});
        gold.put("dim_team_typo", new String[] {"stg_crm__teams", "SELECT team_id, team_nmae FROM stg_crm__teams"});
        gold.put("dim_team_after_typo", new String[] {"dim_team_typo", "SELECT team_id FROM dim_team_typo"});
        for (final Map.Entry<String, String[]> t : gold.entrySet()) {
            final Path folder = schemas.resolve("tables/gold/conformed/" + t.getKey());
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("table.yaml"), table(t.getKey(), t.getValue()[0]));
            Files.writeString(folder.resolve("query.sql"), t.getValue()[1]);
        }
        final Path drop = root.resolve("warehouse/landing/crm/2026-10-01");
        Files.createDirectories(drop);
        Files.writeString(drop.resolve("teams.csv"), TEAMS, StandardCharsets.UTF_8);
        return schemas;
    }
}

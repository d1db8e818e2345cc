package io.kamwarehouse.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.testing.SharedSpark;

/** Table specs: the repository's specs load, and a broken spec is refused with the file and field named. */
class TableSpecCatalogTest {

    private static final SchemaFiles REPO = SchemaFiles.fromDirectory(SharedSpark.schemasDir());
    private static final ContractCatalog CONTRACTS = ContractCatalog.load(REPO);

    private static final String TEAMS = """
            name: stg_crm__teams
            layer: silver
            description: Teams.
            grain: one row per team_id, latest version
            keys: [team_id]
            inputs: [raw_crm__teams]
            job: staging
            schedule: daily
            owner: tests
            checks:
              - unique: [team_id]
              - not_null: [team_id]
            """;
    private static final String TEAMS_PATH = "tables/silver/crm/stg_crm__teams/table.yaml";

    @TempDir
    Path dir;

    private static String parseError(final String path, final String yaml) {
        return assertThrows(TableSpecException.class, () -> TableSpecCatalog.parse(path, yaml)).getMessage();
    }

    private String loadError(final String... pathsAndTexts) throws IOException {
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            final Path p = dir.resolve(pathsAndTexts[i]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, pathsAndTexts[i + 1]);
        }
        return assertThrows(TableSpecException.class,
                () -> TableSpecCatalog.load(SchemaFiles.fromDirectory(dir), CONTRACTS)).getMessage();
    }

    private static void assertContains(final String message, final String... parts) {
        for (final String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void everySpecInTheRepositoryLoadsAndEveryContractHasAStagingTable() {
        final TableSpecCatalog catalog = TableSpecCatalog.load(REPO, CONTRACTS);
        final Set<String> expected = new HashSet<>();
        for (final Contract c : CONTRACTS.all()) {
            expected.add("stg_" + c.source() + "__" + c.entity());
        }
        final Set<String> staged = new HashSet<>();
        catalog.ofLayer("silver").forEach(s -> staged.add(s.name()));
        assertEquals(expected, staged);
        for (final TableSpec s : catalog.ofLayer("silver")) {
            assertEquals(StagingParams.KIND, s.job());
            assertTrue(s.inputs().contains(catalog.contractOf(s).bronzeTable()), s.name());
            assertEquals(!s.staging().money().isEmpty(), s.inputs().contains("raw_finance__fx_rates")
                    && !s.name().equals("stg_finance__fx_rates"), s.name());
            assertTrue(s.grain().startsWith("one row per "), s.name());
        }
    }

    private static final String GOLD = """
            name: fct_x
            layer: gold
            description: d
            grain: one row per account_id
            keys: [account_id]
            inputs: [stg_crm__accounts]
            job: sql
            sql:
              vars: {min_n: 3}
              query: SELECT account_id, count(*) AS n FROM stg_crm__accounts GROUP BY account_id HAVING count(*) >= ${min_n}
            schedule: daily
            owner: o
            checks:
              - unique: [account_id]
              - not_null: [account_id]
            """;

    @Test
    void goldQueriesReadOnlyTheirInputsAndDeclareTheirVars() {
        final String path = "tables/gold/test/fct_x/table.yaml";
        assertEquals(Set.of("stg_crm__accounts"), io.kamwarehouse.spec.SqlText.tablesRead(
                "WITH a AS (SELECT * FROM stg_crm__accounts) SELECT * FROM a WHERE account_id IN (SELECT account_id FROM a)"));
        assertEquals(SqlParams.KIND, TableSpecCatalog.parse(path, GOLD).job());
        assertContains(parseError(path, GOLD.replace("FROM stg_crm__accounts GROUP", "FROM stg_crm__accounts JOIN stg_crm__teams t ON true GROUP")),
                "sql.query: reads [stg_crm__teams], which inputs: [stg_crm__accounts] does not list");
        assertContains(parseError(path, GOLD.replace("${min_n}", "${max_n}")), "sql.query: uses [max_n] but vars: declares only [min_n]");
        assertContains(parseError(path, GOLD.replace("SELECT account_id,", "SELEC account_id,")), "sql.query: is not valid SQL");
        assertContains(parseError(path, GOLD.replace("job: sql\nsql:", "job: staging\nstaging:").replace("job: sql", "job: staging")),
                "gold tables by sql, scd2 or model jobs");
    }

    @Test
    void specsComeAfterTheTablesTheyDependOn() {
        final List<TableSpec> all = TableSpecCatalog.load(REPO, CONTRACTS).all();
        final List<String> order = new ArrayList<>();
        all.forEach(s -> order.add(s.name()));
        for (final TableSpec s : all) {
            for (final String dep : s.dependencies()) {
                if (order.contains(dep) && !dep.equals(s.name())) {
                    assertTrue(order.indexOf(dep) < order.indexOf(s.name()), dep + " must come before " + s.name());
                }
            }
        }
        assertTrue(order.indexOf("stg_crm__accounts") < order.indexOf("stg_crm__opportunities"));
        assertTrue(order.indexOf("stg_crm__teams") < order.indexOf("stg_crm__employees"));
        assertTrue(order.indexOf("stg_finance__contracts") < order.indexOf("stg_finance__invoices"));
    }

    @Test
    void aSpecReadsItsParametersAndGetsAWarningForAmountsWithoutARate() {
        final TableSpec opp = TableSpecCatalog.load(REPO, CONTRACTS).get("stg_crm__opportunities");
        assertEquals(List.of("opportunity_id"), opp.keys());
        assertEquals(List.of("updated_at", "_ingested_at"), opp.staging().latestBy());
        assertEquals(List.of(new MoneyColumn("amount", "currency_code", "coalesce(close_date, to_date(created_at))")),
                opp.staging().money());
        assertEquals(List.of("probability"), opp.staging().percentToFraction());
        final CheckSpec fx = opp.checks().stream().filter(c -> c.name().equals("fx_rate_found(amount)")).findFirst().orElseThrow();
        assertEquals(Severity.WARN, fx.severity());
        final CheckSpec rel = opp.checks().stream().filter(c -> c.kind() == CheckSpec.Kind.RELATIONSHIP).findFirst().orElseThrow();
        assertEquals("relationship(account_id -> stg_crm__accounts.account_id)", rel.name());
        assertEquals(Severity.WARN, rel.severity());
        assertTrue(opp.dependencies().containsAll(List.of("raw_crm__opportunities", "raw_finance__fx_rates", "stg_crm__accounts")));
        assertEquals(StagingParams.DEFAULT_LATEST_BY, TableSpecCatalog.parse(TEAMS_PATH, TEAMS).staging().latestBy());
    }

    // ---- one file ---------------------------------------------------------------------------

    @Test
    void unknownKeysAreRefusedNamingTheFileAndTheKey() {
        assertContains(parseError(TEAMS_PATH, "owners: [x]\n" + TEAMS), "table spec tables/silver/crm/stg_crm__teams/table.yaml",
                "unknown key 'owners'", "allowed:");
        assertContains(parseError(TEAMS_PATH, "staging:\n  latest: [updated_at]\n" + TEAMS),
                "stg_crm__teams/table.yaml, staging: unknown key 'latest'");
        assertContains(parseError(TEAMS_PATH, "staging:\n  money:\n    - {amount: a, currency: c, day: d}\n" + TEAMS),
                "staging.money[0]: unknown key 'day'");
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("owner: tests", "owner: tests\nowner: again")), "not valid YAML",
                "Duplicate field 'owner'");
    }

    @Test
    void nameLayerAndFolderMustAgree() {
        assertContains(parseError("tables/silver/crm/stg_crm__team/table.yaml", TEAMS), "name: 'stg_crm__teams' must equal the name of its folder 'stg_crm__team'");
        assertContains(parseError("tables/gold/crm/stg_crm__teams/table.yaml", TEAMS), "layer: 'silver' but the file is at tables/gold/");
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("layer: silver", "layer: gold")),
                "layer: 'gold' but the file is at tables/silver/crm/stg_crm__teams/table.yaml");
        assertContains(parseError("tables/gold/crm/stg_crm__teams/table.yaml", TEAMS.replace("layer: silver", "layer: gold")),
                "name: 'stg_crm__teams' names a silver table, but the spec says layer gold");
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("layer: silver", "layer: bronze")), "'bronze' is not one of [silver, gold]");
    }

    @Test
    void requiredFieldsAndAllowedValues() {
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("grain: one row per team_id, latest version\n", "")),
                "grain: is missing: add 'grain:'");
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("keys: [team_id]\n", "keys: []\n")), "keys: must not be empty");
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("schedule: daily", "schedule: hourly")),
                "schedule: 'hourly' is not one of [daily, monthly]");
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("job: staging", "job: scd3")),
                "job: 'scd3' is not a known job kind (known: model, scd2, scoring_plan, sql, staging)");
        assertContains(parseError(TEAMS_PATH, TEAMS.replace("inputs: [raw_crm__teams]", "inputs: [stg_crm__teams]")),
                "inputs: stg_crm__teams cannot read itself");
    }

    @Test
    void checksAreOneKindEachWithSeverityBesideThem() {
        final String base = TEAMS;
        assertContains(parseError(TEAMS_PATH, base + "  - unique: [team_id]\n    not_null: [team_id]\n"),
                "checks[2]: names 2 checks [unique, not_null]");
        assertContains(parseError(TEAMS_PATH, base + "  - uniq: [team_id]\n"),
                "checks[2]: names no check; each list item is exactly one of unique, not_null, accepted_values, relationship, expression");
        assertContains(parseError(TEAMS_PATH, base + "  - unique: [team_id]\n    severity: fatal\n"),
                "checks[2].severity: 'fatal' is not error or warn");
        assertContains(parseError(TEAMS_PATH, base
                + "  - relationship: {column: parent_team_id, to: stg_crm__teams.team_id, severity: warn}\n"),
                "checks[2].relationship: severity: and name: go beside the check, not inside it");
        assertContains(parseError(TEAMS_PATH, base + "  - relationship: {column: parent_team_id, to: stg_crm__teams}\n"),
                "checks[2].relationship.to: 'stg_crm__teams' must be table.column");
        assertContains(parseError(TEAMS_PATH, base + "  - accepted_values: {column: team_type}\n"),
                "checks[2].accepted_values.values: is missing");
        assertContains(parseError(TEAMS_PATH, base + "  - not_null: [team_id]\n"),
                "two checks are named 'not_null(team_id)'");
        final TableSpec ok = TableSpecCatalog.parse(TEAMS_PATH, base
                + "  - not_null: [team_name, team_type]\n    severity: warn\n  - expression: \"team_id <> parent_team_id\"\n"
                + "    name: not_its_own_parent\n");
        assertEquals(List.of("unique(team_id)", "not_null(team_id)", "not_null(team_name)", "not_null(team_type)",
                "not_its_own_parent"), ok.checks().stream().map(CheckSpec::name).toList());
        assertEquals(Severity.WARN, ok.checks().get(3).severity());
    }

    // ---- across files -----------------------------------------------------------------------

    @Test
    void inputsMustBeBronzeTablesOfContractsOrSpecs() throws IOException {
        assertContains(loadError(TEAMS_PATH, TEAMS.replace("[raw_crm__teams]", "[raw_crm__teams, raw_crm__nothing]")),
                "stg_crm__teams/table.yaml, inputs: raw_crm__nothing is not the bronze table of any contract");
    }

    @Test
    void relationshipTargetsMustExistAndHaveTheColumn() throws IOException {
        final String base = TEAMS;
        assertContains(loadError(TEAMS_PATH, base + "  - relationship: {column: parent_team_id, to: stg_crm__other.team_id}\n"
                ), "check relationship(parent_team_id -> stg_crm__other.team_id): stg_crm__other has no spec");
        assertContains(loadError(TEAMS_PATH, base + "  - relationship: {column: parent_team_id, to: stg_crm__teams.id}\n"
                ), "id is not a column of stg_crm__teams");
    }

    @Test
    void stagingParametersMustFitTheContract() throws IOException {
        assertContains(loadError(TEAMS_PATH, TEAMS.replace("keys: [team_id]", "keys: [team_name]")
                .replace("[team_id]", "[team_name]")), "keys: [team_name] must be the business key of contract crm.teams: [team_id]");
        assertContains(loadError(TEAMS_PATH, "staging:\n  latest_by: [modified_at]\n" + TEAMS),
                "staging.latest_by: modified_at is not a column of raw_crm__teams");
        assertContains(loadError(TEAMS_PATH, "staging:\n  percent_to_fraction: [team_name]\n" + TEAMS),
                "staging.percent_to_fraction: team_name is string, not a number");
        assertContains(loadError(TEAMS_PATH, "staging:\n  money:\n    - {amount: team_name, currency: \"'USD'\", date: created_date}\n"
                + TEAMS.replace("[raw_crm__teams]", "[raw_crm__teams, raw_finance__fx_rates]")),
                "amount team_name is string; money must be a decimal column (never double)");
        assertContains(loadError(TEAMS_PATH, "staging:\n  money:\n    - {amount: team_name, currency: \"'USD'\", date: created_date}\n" + TEAMS),
                "inputs: [raw_crm__teams] must be [raw_crm__teams, raw_finance__fx_rates]");
        assertContains(loadError("tables/silver/crm/stg_crm__squads/table.yaml", TEAMS.replace("stg_crm__teams", "stg_crm__squads")),
                "stg_crm__squads stages contract crm.squads, which does not exist");
    }

    @Test
    void checkedColumnsMustExistAndKeysMustBeCheckedUniqueAndNotNull() throws IOException {
        assertContains(loadError(TEAMS_PATH, TEAMS.replace("  - not_null: [team_id]\n", "  - not_null: [team_id, team_colour]\n")),
                "check not_null(team_colour): team_colour is not a column of stg_crm__teams (columns: team_id, team_name");
        assertContains(loadError(TEAMS_PATH, TEAMS.replace("  - unique: [team_id]\n", "")),
                "checks: declare the keys unique: add '- unique: [team_id]'");
        assertContains(loadError(TEAMS_PATH, TEAMS.replace("  - not_null: [team_id]\n", "  - not_null: [team_name]\n")),
                "key column team_id has no not_null check");
    }

    @Test
    void sqlExpressionsAreParsedAndTheirColumnsMustExist() throws IOException {
        assertContains(parseError(TEAMS_PATH, TEAMS + "  - expression: \"team_id <> \"\n"),
                "checks[2].expression: 'team_id <>' is not valid SQL: [PARSE_SYNTAX_ERROR]");
        assertContains(loadError(TEAMS_PATH, TEAMS + "  - expression: \"team_id <> parent_id\"\n"),
                "check expression(team_id <> parent_id): the expression names parent_id, which is not a column of stg_crm__teams");
        assertContains(loadError("tables/silver/crm/stg_crm__products/table.yaml", "staging:\n  money:\n    - {amount: list_price_amount, currency: currency_code, "
                + "date: \"coalesce(price_date, _drop_date)\"}\n" + TEAMS.replace("stg_crm__teams", "stg_crm__products")
                .replace("team_id", "product_id").replace("[raw_crm__teams]", "[raw_crm__products, raw_finance__fx_rates]")),
                "staging.money: 'coalesce(price_date, _drop_date)' (for amount list_price_amount) names price_date, which is not a column");
    }

    @Test
    void eachTableHasItsOwnFolderWithItsQueryBesideItsSpec() throws IOException {
        final String folder = "tables/gold/test/fct_x/";
        final String noQuery = GOLD.replaceAll("(?s)  query: .*?\n(schedule:)", "$1");
        // the query in query.sql is read as the job's query
        final Path specs = dir.resolve("ok");
        Files.createDirectories(specs.resolve(folder));
        Files.writeString(specs.resolve(folder + "table.yaml"), noQuery.replace("[stg_crm__accounts]", "[raw_crm__accounts]"));
        Files.writeString(specs.resolve(folder + "query.sql"), "SELECT account_id, count(*) AS n FROM raw_crm__accounts GROUP BY account_id");
        final TableSpec loaded = TableSpecCatalog.load(SchemaFiles.fromDirectory(specs), CONTRACTS).get("fct_x");
        assertEquals("test", loaded.domain());
        assertEquals("tables/gold/test/fct_x", loaded.folder());
        assertTrue(loaded.params(SqlParams.class).query().startsWith("SELECT account_id, count(*)"));
        // a query written inline in a table folder's spec is refused: it belongs in query.sql
        assertContains(loadError(folder + "table.yaml", GOLD), "fct_x/table.yaml, sql.query: the query lives in query.sql");
        Files.delete(dir.resolve(folder + "table.yaml"));
        // a sql table without its query.sql
        assertContains(loadError(folder + "table.yaml", noQuery), "a sql job's query lives in query.sql beside table.yaml, and there is none");
        Files.delete(dir.resolve(folder + "table.yaml"));
        // a query.sql beside a staging spec
        assertContains(loadError(TEAMS_PATH, TEAMS, "tables/silver/crm/stg_crm__teams/query.sql", "SELECT 1"),
                "query.sql belongs to sql, scd2 and model jobs, not to a 'staging' job");
    }

    @Test
    void aFileOutsideATableFolderIsRefused() throws IOException {
        assertContains(loadError("tables/gold/fct_x.yaml", GOLD), "schemas/tables/gold/fct_x.yaml is not where a table's files live");
    }

    @Test
    void aCycleIsRefusedNamingIt() {
        final String m = assertThrows(TableSpecException.class, () -> TableSpecCatalog.load(
                SchemaFiles.fromDirectory(Paths.get("src/test/resources/spec/cycle")), CONTRACTS)).getMessage();
        assertContains(m, "table specs depend on each other in a cycle: stg_crm__employees -> stg_crm__teams -> stg_crm__employees");
    }
}

package io.kamwarehouse.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Superset bundle in dashboards/bundle against the import format, and what the checks catch. */
class DashboardBundleTest {

    static final Path BUNDLE = Paths.get("..", "dashboards", "bundle");

    @TempDir
    Path tmp;

    @Test
    void theProjectBundleIsSound() {
        final DashboardBundle b = DashboardBundle.load(BUNDLE);
        assertEquals(List.of(), b.problems());
        final List<String> titles = new ArrayList<>();
        b.files("dashboards").values().forEach(m -> titles.add(String.valueOf(m.get("dashboard_title"))));
        assertEquals(new java.util.TreeSet<>(DashboardSet.TITLES), new java.util.TreeSet<>(titles));
        for (final DashboardBundle.Chart c : b.charts()) {
            final DashboardBundle.Dataset d = b.datasets().get(c.datasetUuid());
            final String sql = c.query(d, 10);
            assertTrue(sql.contains(" FROM " + d.from()), sql);
            c.metrics().forEach(m -> assertTrue(sql.contains(d.metrics().get(m) + " AS " + m), sql));
        }
    }

    @Test
    void aChartNamingAMetricOrColumnItsDatasetLacksIsCaught() throws IOException {
        final Path copy = copy();
        final Path chart = copy.resolve("charts/NPS_by_tier.yaml");
        String text = Files.readString(chart);
        text = text.replace("- nps\n", "- net_promoter\n").replace("x_axis: dimension_value", "x_axis: team_name");
        Files.writeString(chart, text);
        final List<String> problems = DashboardBundle.load(copy).problems();
        assertTrue(problems.contains("charts/NPS_by_tier.yaml: metric net_promoter is not a metric of dataset mart_nps"), problems.toString());
        assertTrue(problems.contains("charts/NPS_by_tier.yaml: column team_name is not a column of dataset mart_nps"), problems.toString());
    }

    @Test
    void duplicateUuidsMissingDatasetsPasswordsAndOrphanChartsAreCaught() throws IOException {
        final Path copy = copy();
        final Map<String, Object> first = DashboardBundle.load(copy).files("charts").values().iterator().next();
        final String firstUuid = String.valueOf(first.get("uuid"));
        Files.writeString(copy.resolve("charts/Orphan.yaml"), """
                slice_name: Orphan
                viz_type: big_number_total
                params: {viz_type: big_number_total, metric: nps}
                uuid: %s
                version: 1.0.0
                dataset_uuid: 00000000-0000-0000-0000-000000000000
                """.formatted(firstUuid));
        final Path db = Files.list(copy.resolve("databases")).findFirst().orElseThrow();
        Files.writeString(db, Files.readString(db).replace(DashboardBundle.MASK, "hunter2"));
        final List<String> problems = DashboardBundle.load(copy).problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("charts/Orphan.yaml: uuid " + firstUuid + " is also the uuid of")), problems.toString());
        assertTrue(problems.contains("charts/Orphan.yaml: dataset_uuid 00000000-0000-0000-0000-000000000000 is not a dataset of the bundle"),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("sqlalchemy_uri carries a password")), problems.toString());
    }

    @Test
    void theZipHasOneRootFolderAndTakesTheSecretOnlyWhenGiven() throws IOException {
        final DashboardBundle b = DashboardBundle.load(BUNDLE);
        final Path masked = tmp.resolve("masked.zip");
        b.zip(masked, "kamw_dashboards", null, null);
        final Map<String, String> entries = read(masked);
        assertTrue(entries.keySet().stream().allMatch(k -> k.startsWith("kamw_dashboards/")), entries.keySet().toString());
        assertTrue(entries.containsKey("kamw_dashboards/metadata.yaml"));
        assertEquals(Files.list(BUNDLE.resolve("charts")).count(),
                entries.keySet().stream().filter(k -> k.startsWith("kamw_dashboards/charts/")).count());
        final String db = entries.entrySet().stream().filter(e -> e.getKey().startsWith("kamw_dashboards/databases/")).findFirst()
                .orElseThrow().getValue();
        assertTrue(db.contains(":" + DashboardBundle.MASK + "@"), db);

        final Path secret = tmp.resolve("secret.zip");
        b.zip(secret, "kamw_dashboards", "postgresql+psycopg2://kamw_reader@db.example:5432/kamw", "s3cret");
        final String db2 = read(secret).entrySet().stream().filter(e -> e.getKey().contains("/databases/")).findFirst().orElseThrow().getValue();
        assertTrue(db2.contains("sqlalchemy_uri: postgresql+psycopg2://kamw_reader:s3cret@db.example:5432/kamw"), db2);
    }

    @Test
    void aUriGivenWithoutAPasswordStaysWithoutOneSoTheCliImportTakesIt() throws IOException {
        final DashboardBundle b = DashboardBundle.load(BUNDLE);
        final Path trusted = tmp.resolve("trusted.zip");
        final boolean masked = b.zip(trusted, "kamw_dashboards", "postgresql+psycopg2://kamw_reader@127.0.0.1:5544/kamw", null);
        final String db = read(trusted).entrySet().stream().filter(e -> e.getKey().contains("/databases/")).findFirst().orElseThrow()
                .getValue();
        assertTrue(db.contains("sqlalchemy_uri: postgresql+psycopg2://kamw_reader@127.0.0.1:5544/kamw\n"), db);
        assertTrue(!masked && !db.contains(DashboardBundle.MASK), db);
        assertTrue(b.zip(tmp.resolve("masked.zip"), "kamw_dashboards", null, null), "the bundle's own URI is masked");
    }

    @Test
    void aTeamRolesCopyLogsInAsTheRoleUnderItsOwnUuidsSoItImportsBesideTheReaders() throws IOException {
        final DashboardBundle b = DashboardBundle.load(BUNDLE);
        final Map<String, String> reader = read(write(b, "reader.zip", null));
        final Map<String, String> lead = read(write(b, "lead.zip", "lead_north"));
        assertEquals(reader.keySet(), lead.keySet(), "the same files");
        final java.util.regex.Pattern uuid = java.util.regex.Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
        final java.util.Set<String> readerUuids = new java.util.TreeSet<>();
        final java.util.Set<String> leadUuids = new java.util.TreeSet<>();
        reader.values().forEach(t -> uuid.matcher(t).results().forEach(m -> readerUuids.add(m.group())));
        lead.values().forEach(t -> uuid.matcher(t).results().forEach(m -> leadUuids.add(m.group())));
        assertEquals(readerUuids.size(), leadUuids.size(), "one new UUID for each (references stay consistent)");
        assertTrue(java.util.Collections.disjoint(readerUuids, leadUuids), "no UUID shared with the reader's dashboards");
        final String db = lead.entrySet().stream().filter(e -> e.getKey().contains("/databases/")).findFirst().orElseThrow().getValue();
        assertTrue(db.contains("database_name: kam_warehouse_lead_north\n"), db);
        assertTrue(db.contains("sqlalchemy_uri: postgresql+psycopg2://lead_north:" + DashboardBundle.MASK + "@127.0.0.1:5433/kamw\n"), db);
        final String team = lead.get("kamw_dashboards/dashboards/Team_and_individual_performance.yaml");
        assertTrue(team.contains("dashboard_title: Team and individual performance (lead_north)\n"), team);
        assertTrue(team.contains("slug: kamw-team-and-individual-performance-lead-north\n"), team);
        // a chart's dataset is the copy's dataset, and that dataset's database is the copy's database
        final String chart = lead.get("kamw_dashboards/charts/Deal_credit_by_team.yaml");
        final java.util.regex.Matcher ds = java.util.regex.Pattern.compile("dataset_uuid: (\\S+)").matcher(chart);
        assertTrue(ds.find(), chart);
        final String dataset = lead.values().stream().filter(t -> t.contains("\nuuid: " + ds.group(1))).findFirst().orElseThrow();
        final java.util.regex.Matcher dbUuid = java.util.regex.Pattern.compile("database_uuid: (\\S+)").matcher(dataset);
        assertTrue(dbUuid.find() && db.contains("uuid: " + dbUuid.group(1)), dataset);
        // datasets are named for the role; a physical one reads its table through SQL
        assertTrue(dataset.startsWith("table_name: fct_deal_credit (lead_north)\n"), dataset);
        assertTrue(dataset.contains("\nsql: SELECT * FROM kamw.fct_deal_credit\n"), dataset);
        final String health = lead.get("kamw_dashboards/datasets/kam_warehouse/fct_team_health.yaml");
        assertTrue(health.startsWith("table_name: fct_team_health (lead_north)\n") && health.contains("FROM kamw.fct_team_health\n"),
                health);

        final var given = b.zipForTeamRole(tmp.resolve("given.zip"), "kamw_dashboards", "postgresql+psycopg2://lead_north@db:5432/kamw",
                null, "lead_north");
        assertTrue(!given, "a URI given without a password stays without one");
        final io.kamwarehouse.KamwException e = assertThrows(io.kamwarehouse.KamwException.class, () -> b.zipForTeamRole(
                tmp.resolve("wrong.zip"), "kamw_dashboards", "postgresql+psycopg2://kamw_reader@db:5432/kamw", null, "lead_north"));
        assertTrue(e.getMessage().contains("must log in as lead_north"), e.getMessage());
    }

    private Path write(final DashboardBundle b, final String name, final String role) {
        final Path out = tmp.resolve(name);
        if (role == null) {
            b.zip(out, "kamw_dashboards", null, null);
        } else {
            b.zipForTeamRole(out, "kamw_dashboards", null, null, role);
        }
        return out;
    }

    @Test
    void everyChartCarriesTheQueryContextItsParamsGive() throws IOException {
        final DashboardBundle b = DashboardBundle.load(BUNDLE);
        for (final DashboardBundle.Chart c : b.charts()) {
            final com.fasterxml.jackson.databind.JsonNode qc = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(String.valueOf(b.files("charts").get(c.path()).get("query_context")));
            final com.fasterxml.jackson.databind.JsonNode q = qc.get("queries").get(0);
            final List<String> metrics = new ArrayList<>();
            q.get("metrics").forEach(m -> metrics.add(m.asText()));
            assertEquals(c.metrics(), metrics, c.path());
            assertEquals(c.params().get("viz_type"), qc.get("form_data").get("viz_type").asText(), c.path());
            c.filters().forEach(f -> assertTrue(q.get("extras").get("where").asText().contains("(" + f + ")"), c.path()));
        }

        final Path copy = copy();
        final Path edited = copy.resolve("charts/NPS_by_tier.yaml");
        Files.writeString(edited, Files.readString(edited).replace("row_limit: 10000\n", "row_limit: 50\n"));
        final Path stripped = copy.resolve("charts/Collection_rate.yaml");
        Files.writeString(stripped, Files.readString(stripped).replaceAll("(?m)^query_context: .*$", "query_context: null"));
        final List<String> problems = DashboardBundle.load(copy).problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("charts/NPS_by_tier.yaml: query_context differs from the one its params give")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("charts/Collection_rate.yaml: query_context missing")), problems.toString());
        assertEquals(List.of("charts/Collection_rate.yaml", "charts/NPS_by_tier.yaml"), QueryContexts.write(DashboardBundle.load(copy)));
        assertEquals(List.of(), DashboardBundle.load(copy).problems());
    }

    @Test
    void aSubQueryInAChartFilterIsCaught() throws IOException {
        final Path copy = copy();
        final Path chart = copy.resolve("charts/Team_health_matrix_latest_quarter.yaml");
        Files.writeString(chart, Files.readString(chart).replace("sqlExpression: is_latest_quarter",
                "sqlExpression: quarter_start = (SELECT MAX(quarter_start) FROM kamw.fct_team_health)"));
        final List<String> problems = DashboardBundle.load(copy).problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("charts/Team_health_matrix_latest_quarter.yaml: filter quarter_start ="
                + " (SELECT MAX(quarter_start) FROM kamw.fct_team_health) holds a sub-query")), problems.toString());
    }

    private Path copy() throws IOException {
        final Path out = tmp.resolve("bundle");
        try (Stream<Path> walk = Files.walk(BUNDLE)) {
            for (final Path p : (Iterable<Path>) walk::iterator) {
                final Path target = out.resolve(BUNDLE.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return out;
    }

    private static Map<String, String> read(final Path zip) throws IOException {
        final Map<String, String> out = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}

package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.metadata.RunLog;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.testing.SharedSpark;

/** Bronze ingestion of a small drop (fixtures under src/test/resources/landing) through the real contracts. */
class BronzeIngestionTest {

    @TempDir
    Path dir;

    /** One warehouse with the fixture drop loaded once, for the tests that only read it. */
    @TempDir
    static Path sharedDir;
    private static RunContext shared;
    private static List<IngestResult> sharedResults;

    private RunContext ctx;

    private void useSharedDrop() throws IOException {
        if (shared == null) {
            copyTree(Paths.get("src/test/resources/landing"), sharedDir.resolve("landing"));
            shared = SharedSpark.context(sharedDir);
            ctx = shared;
            sharedResults = ingestAll();
        }
        ctx = shared;
    }

    private List<IngestResult> ingestAll() {
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        return new IngestService(ctx).ingest(landing.scan(Optional.empty(), Optional.empty()));
    }

    private RunContext withFixtureDrop() throws IOException {
        copyTree(Paths.get("src/test/resources/landing"), dir.resolve("landing"));
        ctx = SharedSpark.context(dir);
        return ctx;
    }

    private static Map<String, IngestResult> byEntity(final List<IngestResult> results) {
        return results.stream().collect(Collectors.toMap(IngestResult::entity, r -> r, (a, b) -> b, TreeMap::new));
    }

    private Map<String, Long> quarantineRules(final String entity) {
        final Map<String, Long> out = new TreeMap<>();
        for (final Row r : ctx.warehouse().read(BronzeIngestor.QUARANTINE).where(col("entity").equalTo(entity))
                .groupBy("rule").count().collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }

    @Test
    void everyRowIsLoadedOrQuarantinedWithItsRule() throws IOException {
        useSharedDrop();
        final Map<String, IngestResult> r = byEntity(sharedResults);
        assertEquals(List.of("crm.accounts", "crm.contacts", "crm.employees", "crm.opportunities", "crm.teams",
                "survey.nps_responses"), List.copyOf(r.keySet()));
        r.values().forEach(x -> assertEquals(RunRecord.SUCCEEDED, x.status(), x.entity() + ": " + x.message()));
        r.values().forEach(x -> assertEquals(x.rowsRead(), x.rowsLoaded() + x.rowsQuarantined(), x.entity()));

        assertEquals(6, r.get("crm.accounts").rowsRead());
        assertEquals(2, r.get("crm.accounts").rowsLoaded());
        assertEquals(Map.of("bad_date", 1L, "duplicate_key", 1L, "missing_required", 1L, "unknown_reference", 1L),
                quarantineRules("crm.accounts"));
        assertEquals(Map.of("not_accepted", 1L, "unknown_reference", 1L), quarantineRules("crm.employees"));
        assertEquals(Map.of("out_of_range", 1L), quarantineRules("crm.opportunities"));
        assertEquals(Map.of("malformed_record", 1L, "out_of_range", 1L), quarantineRules("survey.nps_responses"));
        assertEquals(Map.of("bad_boolean", 1L), quarantineRules("crm.contacts"), "is_active 'perhaps'");
        assertEquals(2, r.get("crm.teams").rowsLoaded());
        assertEquals(2, r.get("crm.contacts").rowsLoaded());
    }

    @Test
    void quarantineKeepsTheReasonAndTheRawRecord() throws IOException {
        useSharedDrop();
        final Row bad = ctx.warehouse().read(BronzeIngestor.QUARANTINE)
                .where(col("entity").equalTo("crm.accounts").and(col("rule").equalTo("bad_date"))).first();
        assertTrue(bad.<String>getAs("reason").contains("created_date '2023/13/45' is not a date"), bad.<String>getAs("reason"));
        assertTrue(bad.<String>getAs("raw_record").contains("\"客户名称\":\"北方重工集团\""), bad.<String>getAs("raw_record"));
        final Row unknown = ctx.warehouse().read(BronzeIngestor.QUARANTINE)
                .where(col("rule").equalTo("unknown_reference").and(col("entity").equalTo("crm.accounts"))).first();
        assertTrue(unknown.<String>getAs("reason").contains("owner_employee_id 'E777' is not a known crm.employees.employee_id"));
        final Row malformed = ctx.warehouse().read(BronzeIngestor.QUARANTINE).where(col("rule").equalTo("malformed_record")).first();
        assertEquals("{\"id\":\"R3\",\"accountId\":\"A002\", \"npsScore\": 7", malformed.getAs("raw_record"));
    }

    @Test
    void gbkChineseHeadersAndValueMapsLoadTyped() throws IOException {
        useSharedDrop();
        final Row a001 = ctx.warehouse().read("raw_crm__accounts").where(col("account_id").equalTo("A001")).first();
        assertEquals("华东精密制造有限公司", a001.getAs("account_name"));
        assertEquals("S", a001.getAs("tier"), "战略 maps to S");
        assertEquals(new BigDecimal("125000000.00"), a001.getAs("annual_revenue_amount"),
                "年营业额(万元) '12,500.00' is 12,500 ten-thousands of yuan");
        assertEquals(java.sql.Date.valueOf("2021-03-15"), a001.getAs("created_date"));
        assertEquals("decision_maker", ctx.warehouse().read("raw_crm__contacts").where(col("contact_id").equalTo("C001"))
                .first().getAs("decision_role"), "BOM file with Chinese headers and 决策者");
        final Row o1 = ctx.warehouse().read("raw_crm__opportunities").where(col("opportunity_id").equalTo("O1")).first();
        assertEquals("closed_won", o1.getAs("stage"));
        assertEquals("new_business", o1.getAs("opportunity_type"));
        assertEquals(new BigDecimal("100.00"), o1.getAs("probability"), "bronze keeps the 0-100 scale");
        assertEquals(Boolean.TRUE, o1.getAs("is_won"));
        final Row lineage = ctx.warehouse().read("raw_crm__teams").first();
        assertTrue(lineage.<String>getAs("_source_file").endsWith("teams_20261001.csv"));
        assertEquals(64, lineage.<String>getAs("_row_hash").length());
        assertEquals(java.sql.Date.valueOf("2026-10-01"), lineage.getAs("_drop_date"));
    }

    @Test
    void ingestingAgainAddsNothing() throws IOException {
        withFixtureDrop();
        ingestAll();
        final long rows = ctx.warehouse().read("raw_crm__accounts").count();
        final long version = ctx.warehouse().version("raw_crm__accounts");
        final long quarantined = ctx.warehouse().read(BronzeIngestor.QUARANTINE).count();
        final List<IngestResult> again = ingestAll();
        again.forEach(x -> assertEquals(RunRecord.SKIPPED, x.status(), x.entity()));
        assertEquals(rows, ctx.warehouse().read("raw_crm__accounts").count());
        assertEquals(version, ctx.warehouse().version("raw_crm__accounts"));
        assertEquals(quarantined, ctx.warehouse().read(BronzeIngestor.QUARANTINE).count());
        // The same content sent again under another name is recognised by its checksum.
        Files.copy(dir.resolve("landing/crm/2026-10-01/teams_20261001.csv"), dir.resolve("landing/crm/2026-10-01/teams_resent.csv"));
        final IngestResult resent = byEntity(ingestAll()).get("crm.teams");
        assertEquals(RunRecord.SKIPPED, resent.status());
        assertTrue(resent.message().startsWith("already ingested"), resent.message());
        assertEquals(2, ctx.warehouse().read("raw_crm__teams").count());
    }

    @Test
    void aFileMissingARequiredColumnIsRejectedWholeAndNothingIsWritten() throws IOException {
        ctx = SharedSpark.context(dir);
        final Path drop = Files.createDirectories(dir.resolve("landing/crm/2026-10-02"));
        Files.writeString(drop.resolve("teams_1.csv"), "team_id,team_type\nT01,region\n");
        final List<IngestResult> results = ingestAll();
        assertEquals(1, results.size());
        assertEquals(RunRecord.REJECTED, results.get(0).status());
        assertTrue(results.get(0).message().contains("missing required column(s) of crm.teams: team_name (header team_name or 团队名称 or Name)"),
                results.get(0).message());
        assertFalse(ctx.warehouse().exists("raw_crm__teams"));
        assertFalse(ctx.warehouse().exists(IngestedFiles.TABLE), "a rejected file is not marked as ingested");
        final Row logged = ctx.warehouse().read(RunLog.TABLE).first();
        assertEquals("rejected", logged.getAs("status"));
        assertEquals("ingest crm.teams", logged.getAs("job"));
    }

    @Test
    void driftTheContractRefusesRejectsTheFileWholeAndDriftItAllowsLoads() throws IOException {
        final RunContext base = SharedSpark.context(dir);
        final Path schemas = dir.resolve("schemas");
        copyTree(SharedSpark.schemasDir(), schemas);
        final Path teams = schemas.resolve("sources/crm/teams.yaml");
        Files.writeString(teams, Files.readString(teams) + "drift: {extra: refuse, missing: load}\n");
        final io.kamwarehouse.SchemaFiles files = io.kamwarehouse.SchemaFiles.fromDirectory(schemas);
        ctx = new RunContext(base.warehouse(), files, io.kamwarehouse.contracts.ContractCatalog.load(files),
                io.kamwarehouse.runtime.Progress.silent());
        final Path drop = Files.createDirectories(dir.resolve("landing/crm/2026-10-02"));
        Files.writeString(drop.resolve("teams_1.csv"), "team_id,team_name,team_type,budget\nT01,华东大区,region,100\n");
        IngestResult r = ingestAll().get(0);
        assertEquals(RunRecord.REJECTED, r.status(), r.message());
        assertTrue(r.message().contains("drifts from sources/crm/teams.yaml in a way the contract refuses (drift: extra refused):"
                + " columns the contract does not know: [budget]"), r.message());
        assertFalse(ctx.warehouse().exists("raw_crm__teams"));
        // a file that only lacks optional columns loads, its drift recorded
        Files.delete(drop.resolve("teams_1.csv"));
        Files.writeString(drop.resolve("teams_2.csv"), "team_id,team_name,team_type\nT01,华东大区,region\n");
        r = ingestAll().get(0);
        assertEquals(RunRecord.SUCCEEDED, r.status(), r.message());
        assertTrue(ctx.warehouse().read(SchemaDrift.TABLE).where(col("change").equalTo("missing")).count() > 0);
        assertTrue(assertThrows(io.kamwarehouse.contracts.ContractException.class, () -> io.kamwarehouse.contracts.ContractCatalog.parse(
                "sources/crm/teams.yaml", Files.readString(teams).replace("missing: load", "missing: warn"))).getMessage()
                .contains("drift.missing must be load"));
    }

    @Test
    void aFileThatIsNotUtf8WhereTheContractSaysUtf8IsRejectedWithTheFix() throws IOException {
        ctx = SharedSpark.context(dir);
        final Path drop = Files.createDirectories(dir.resolve("landing/crm/2026-10-02"));
        Files.write(drop.resolve("teams_gbk.csv"),
                "team_id,team_name,team_type\nT01,华东大区,region\n".getBytes(Charset.forName("GBK")));
        final IngestResult r = ingestAll().get(0);
        assertEquals(RunRecord.REJECTED, r.status());
        assertTrue(r.message().contains("not valid UTF-8") && r.message().contains("encoding: gbk"), r.message());
    }

    @Test
    void anEmptyFileIsLoggedNotAnError() throws IOException {
        ctx = SharedSpark.context(dir);
        final Path drop = Files.createDirectories(dir.resolve("landing/crm/2026-10-02"));
        Files.writeString(drop.resolve("teams_empty.csv"), "team_id,team_name,team_type\n");
        final IngestResult r = ingestAll().get(0);
        assertEquals(RunRecord.SKIPPED, r.status());
        assertTrue(r.message().contains("empty"), r.message());
        assertEquals(1, ctx.warehouse().read(IngestedFiles.TABLE).count(), "recorded, so it is not looked at again");
    }

    @Test
    void aJobFailingHalfwayCommitsNothingAndTheRetryLoadsOnce() throws IOException {
        withFixtureDrop();
        ctx.warehouse().spark().conf().set(BronzeIngestor.FAULT_CONF, "crm.teams:1");
        try {
            final IngestResult failed = byEntity(ingestAll()).get("crm.teams");
            assertEquals(RunRecord.FAILED, failed.status());
            assertTrue(failed.message().contains("injected failure"), failed.message());
        } finally {
            ctx.warehouse().spark().conf().unset(BronzeIngestor.FAULT_CONF);
        }
        assertEquals(0, ctx.warehouse().exists("raw_crm__teams") ? ctx.warehouse().read("raw_crm__teams").count() : 0);
        // Entities that reference the failed one waited instead of quarantining against a missing parent.
        assertFalse(ctx.warehouse().exists("raw_crm__employees"));
        final Map<String, IngestResult> retry = byEntity(ingestAll());
        assertEquals(RunRecord.SUCCEEDED, retry.get("crm.teams").status());
        assertEquals(2, ctx.warehouse().read("raw_crm__teams").count());
        assertEquals(3, ctx.warehouse().read("raw_crm__employees").count());
        final List<String> statuses = ctx.warehouse().read(RunLog.TABLE).where(col("job").equalTo("ingest crm.teams"))
                .orderBy("started_at").select("status").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(List.of("failed", "succeeded"), statuses);
    }

    @Test
    void theRunLogRecordsInputsOutputsAndCounts() throws IOException {
        useSharedDrop();
        final Row run = ctx.warehouse().read(RunLog.TABLE).where(col("job").equalTo("ingest crm.accounts")).first();
        assertEquals("succeeded", run.getAs("status"));
        assertEquals("raw_crm__accounts", run.getAs("output_table"));
        assertEquals(ctx.warehouse().version("raw_crm__accounts"), run.<Long>getAs("output_version"));
        assertEquals(6L, run.<Long>getAs("rows_read"));
        assertEquals(2L, run.<Long>getAs("rows_written"));
        assertEquals(4L, run.<Long>getAs("rows_quarantined"));
        final scala.collection.Map<String, Long> inputs = run.getMap(run.fieldIndex("input_versions"));
        assertTrue(inputs.contains("raw_crm__employees"), "the employees version the references were checked against");
        assertTrue(run.<String>getAs("arguments").contains("accounts_20261001.csv"));
        assertTrue(run.<java.sql.Timestamp>getAs("ended_at").compareTo(run.getAs("started_at")) >= 0);
    }

    @Test
    void parquetExtractsLoadTyped() throws IOException {
        ctx = SharedSpark.context(dir);
        final Path drop = dir.resolve("landing/finance/2026-10-01");
        ctx.warehouse().spark().sql("select 'A001' as account_id, 'MES' as product_line, date'2026-09-01' as cost_month, "
                + "cast(1000.50 as decimal(18,2)) as revenue_amount, cast(600.25 as decimal(18,2)) as cost_amount, "
                + "'CNY' as currency_code union all select 'A002', 'WMS', date'2026-09-01', 10, -5, 'CNY'")
                .coalesce(1).write().parquet(dir.resolve("tmp").toString());
        Files.createDirectories(drop);
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            Files.copy(s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow(), drop.resolve("costs_202609.parquet"));
        }
        final IngestResult r = ingestAll().get(0);
        assertEquals(RunRecord.SUCCEEDED, r.status(), r.message());
        assertEquals(1, r.rowsLoaded());
        assertEquals(Map.of("out_of_range", 1L), r.quarantinedByRule(), "negative cost");
        assertEquals(new BigDecimal("600.25"), ctx.warehouse().read("raw_finance__costs").first().getAs("cost_amount"));
    }

    /**
     * A Parquet export whose columns changed type (the month now text, the revenue a double) is
     * drift: said in the load's message and kept in {@code schema_drift}, one {@code type} row per
     * column, with what came and what the contract says; every row is still loaded or quarantined.
     */
    @Test
    void aParquetColumnWhoseTypeChangedIsReportedAsDrift() throws IOException {
        ctx = SharedSpark.context(dir);
        final Path drop = dir.resolve("landing/finance/2026-10-01");
        ctx.warehouse().spark().sql("select 'A001' as account_id, 'MES' as product_line, '2026-09-01' as cost_month, "
                + "cast(1000.5 as double) as revenue_amount, cast(600.25 as decimal(18,2)) as cost_amount, 'CNY' as currency_code")
                .coalesce(1).write().parquet(dir.resolve("tmp").toString());
        Files.createDirectories(drop);
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            Files.copy(s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow(), drop.resolve("costs_202609.parquet"));
        }
        final IngestResult r = ingestAll().get(0);
        assertEquals(1, r.rowsLoaded() + r.rowsQuarantined(), r.message());
        assertTrue(r.message().contains("column types changed: cost_month arrives as string where the contract says date; "
                + "revenue_amount arrives as double where the contract says decimal(18,2)"), r.message());
        assertEquals(List.of("cost_month|cost_month string (contract: date)",
                "revenue_amount|revenue_amount double (contract: decimal(18,2))"), ctx.warehouse().read("schema_drift")
                .where("change = 'type'").selectExpr("concat(column_name, '|', header)").orderBy("column_name")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        // measured against the contract as it was: its file and the version of that file's text
        final String version = ctx.contracts().get("finance.costs").version();
        assertTrue(version.matches("[0-9a-f]{12}"), version);
        assertEquals(List.of("sources/finance/costs.yaml|" + version), ctx.warehouse().read("schema_drift")
                .selectExpr("concat(contract, '|', contract_version)").distinct()
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertFalse(version.equals(io.kamwarehouse.contracts.ContractCatalog.parse("sources/finance/costs.yaml",
                Files.readString(SharedSpark.schemasDir().resolve("sources/finance/costs.yaml")) + "# edited\n").version()),
                "a changed contract file is a new version");
    }

    /** A Parquet file cut short (a copy that stopped halfway) is refused whole, naming the file, and nothing is written. */
    @Test
    void aTruncatedParquetFileIsRefusedNamingIt() throws IOException {
        ctx = SharedSpark.context(dir);
        final Path drop = dir.resolve("landing/finance/2026-10-01");
        ctx.warehouse().spark().sql("select 'A001' as account_id, 'MES' as product_line, date'2026-09-01' as cost_month, "
                + "cast(1000.50 as decimal(18,2)) as revenue_amount, cast(600.25 as decimal(18,2)) as cost_amount, 'CNY' as currency_code")
                .coalesce(1).write().parquet(dir.resolve("tmp").toString());
        Files.createDirectories(drop);
        final byte[] whole;
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            whole = Files.readAllBytes(s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow());
        }
        Files.write(drop.resolve("costs_202609.parquet"), java.util.Arrays.copyOf(whole, whole.length / 2));
        final IngestResult r = ingestAll().get(0);
        assertEquals(RunRecord.REJECTED, r.status(), r.message());
        assertTrue(r.message().contains("costs_202609.parquet"), r.message());
        assertTrue(r.message().contains("not a whole Parquet file"), r.message());
        assertFalse(ctx.warehouse().exists("raw_finance__costs"), "nothing written");
    }

    @Test
    void tablesAreListedByLayer() throws IOException {
        useSharedDrop();
        final List<String> tables = ctx.warehouse().listTables();
        assertTrue(tables.containsAll(List.of("raw_crm__accounts", "quarantine", "run_log", "ingested_files")), tables.toString());
        assertEquals("bronze", Warehouse.layerOf("raw_crm__accounts"));
        assertTrue(tables.indexOf("raw_crm__accounts") < tables.indexOf("run_log"));
    }

    static void copyTree(final Path from, final Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (final Path p : (Iterable<Path>) walk::iterator) {
                final Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        assertTrue(Files.exists(to), "fixture copied");
        assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode("ok"));
    }
}

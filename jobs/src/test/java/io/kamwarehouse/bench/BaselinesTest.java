package io.kamwarehouse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.ingest.Landing;
import io.kamwarehouse.ingest.LandingFile;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The benchmark's baselines on a handful of hand-written extract rows: the Spark copy and the DuckDB
 * copy hold the same rows (quoted commas and non-ASCII text included), and the one aggregation SQL gives
 * the same, hand-computed result on both engines.
 */
class BaselinesTest {

    private static final LocalDate DROP = LocalDate.of(2026, 10, 1);

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static ContractCatalog contracts;

    @BeforeAll
    static void fixture() throws Exception {
        spark = SharedSpark.spark();
        contracts = ContractCatalog.load(SchemaFiles.fromDirectory(SharedSpark.schemasDir()));
        final Path landing = Files.createDirectories(dir.resolve("landing/crm/2026-10-01"));
        // E1 (team T1): 3 activities in 2026-08 on 2 accounts (60 + 30 + 10 minutes), 1 in 2026-09;
        // E2 (team T2): 1 activity in 2026-08 with no duration; E9 is not an employee (team 'unknown').
        Files.writeString(landing.resolve("activities_part-00001.csv"), String.join("\n",
                "activity_id,activity_type,account_id,contact_id,opportunity_id,employee_id,activity_date,duration_minutes,subject",
                "A1,visit,KA-1,C1,,E1,2026-08-03,60,\"拜访, 了解现状\"",
                "A2,call,KA-1,C1,,E1,2026-08-04,30,plain",
                "A3,call,KA-2,C2,,E1,2026-08-20,10,\"said \"\"yes\"\"\"",
                "A4,email,KA-2,C2,,E1,2026-09-01,5,x",
                "A5,visit,KA-3,C3,,E2,2026-08-09,,no duration",
                "A6,visit,KA-3,C3,,E9,2026-08-10,15,unknown owner") + "\n", StandardCharsets.UTF_8);
        // Won: E1 two deals in 2026-08 (1,000.50 + 99.50), E2 one in 2026-09 (250.00); one lost deal ignored.
        Files.writeString(landing.resolve("opportunities.csv"), String.join("\n",
                "Id,AccountId,Name,StageName,Amount,CurrencyIsoCode,Probability,Product2Id,Type,LeadSource,OwnerId,CreatedDate,"
                        + "CloseDate,IsClosed,IsWon,LastModifiedDate",
                "O1,KA-1,\"Deal, one\",Closed Won,1000.50,CNY,100,P1,New,Web,E1,2026-07-01T00:00:00.000+0000,2026-08-15,true,true,"
                        + "2026-08-15T00:00:00.000+0000",
                "O2,KA-2,Deal two,Closed Won,99.50,CNY,100,P1,New,Web,E1,2026-07-01T00:00:00.000+0000,2026-08-30,true,true,"
                        + "2026-08-30T00:00:00.000+0000",
                "O3,KA-3,Deal three,Closed Won,250.00,CNY,100,P1,New,Web,E2,2026-07-01T00:00:00.000+0000,2026-09-02,true,true,"
                        + "2026-09-02T00:00:00.000+0000",
                "O4,KA-3,Deal four,Closed Lost,777.00,CNY,0,P1,New,Web,E2,2026-07-01T00:00:00.000+0000,2026-09-03,true,false,"
                        + "2026-09-03T00:00:00.000+0000") + "\n", StandardCharsets.UTF_8);
        Files.writeString(landing.resolve("employees.csv"), String.join("\n",
                "employee_id,employee_name,email,role,team_id,manager_employee_id,hire_date,termination_date,is_team_lead,updated_at",
                "E1,刘文博,e1@example.com,account_manager,T1,,2020-02-27,,true,2026-01-20 15:39:07",
                "E2,Ann,e2@example.com,account_manager,T2,E1,2021-02-27,,false,2026-01-20 15:39:07") + "\n",
                StandardCharsets.UTF_8);
    }

    private static Landing.Batch batch(final String entity, final String file) throws Exception {
        final Path p = dir.resolve("landing/crm/2026-10-01").resolve(file);
        return new Landing.Batch(contracts.get("crm." + entity), DROP,
                List.of(new LandingFile("crm", DROP, "file:" + p, file, Files.size(p), 0L)));
    }

    private static final List<String[]> INPUTS = List.of(
            new String[] {"activities", "activities_part-00001.csv"},
            new String[] {"opportunities", "opportunities.csv"},
            new String[] {"employees", "employees.csv"});

    @Test
    void bothEnginesCopyTheSameRowsAndAggregateToTheHandComputedResult() throws Exception {
        final Path sparkCopies = dir.resolve("copy-spark");
        final Path duckCopies = Files.createDirectories(dir.resolve("copy-duckdb"));
        try (Connection db = Baselines.duckdb(2)) {
            for (final String[] in : INPUTS) {
                final Landing.Batch b = batch(in[0], in[1]);
                final long sparkRows = Baselines.sparkCopy(spark, b, sparkCopies.resolve(in[0]));
                final long duckRows = Baselines.duckdbCopy(db, b, duckCopies.resolve(in[0] + ".parquet"));
                assertEquals(sparkRows, duckRows, in[0]);
            }
            assertEquals(6, spark.read().format("delta").load(sparkCopies.resolve("activities").toString()).count());

            // The copies are text, column for column, in both engines (the quoted comma and quotes intact).
            final List<String> sparkSubjects = new ArrayList<>();
            for (final Row r : spark.read().format("delta").load(sparkCopies.resolve("activities").toString())
                    .orderBy("activity_id").select("activity_id", "subject", "duration_minutes").collectAsList()) {
                sparkSubjects.add(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2));
            }
            final List<String> duckSubjects = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT activity_id, subject, duration_minutes FROM "
                    + "read_parquet('" + duckCopies.resolve("activities.parquet") + "') ORDER BY activity_id")) {
                while (rs.next()) {
                    duckSubjects.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
                }
            }
            assertEquals(sparkSubjects, duckSubjects);
            assertEquals("A1|拜访, 了解现状|60", sparkSubjects.get(0));
            assertEquals("A3|said \"yes\"|10", sparkSubjects.get(2));
            assertEquals("A5|no duration|null", sparkSubjects.get(4));

            Baselines.sparkAggregate(spark, sparkCopies, dir.resolve("agg-spark"));
            Baselines.duckdbAggregate(db, duckCopies, dir.resolve("agg-duckdb.parquet"));
            final Baselines.Fingerprint onSpark = Baselines.sparkFingerprint(spark, dir.resolve("agg-spark"));
            final Baselines.Fingerprint onDuck = Baselines.duckdbFingerprint(db, dir.resolve("agg-duckdb.parquet"));
            // Rows: T1 2026-08, T1 2026-09, T2 2026-08, T2 2026-09, unknown 2026-08.
            assertEquals(new Baselines.Fingerprint(5, 6, 3, new BigDecimal("1350.00")), onSpark);
            assertEquals(onSpark, onDuck);

            final Row t1 = spark.read().format("delta").load(dir.resolve("agg-spark").toString())
                    .where("team_id = 'T1' AND month = '2026-08'").first();
            assertEquals(1L, ((Number) t1.getAs("members")).longValue());
            assertEquals(3L, ((Number) t1.getAs("activities")).longValue());
            assertEquals(2L, ((Number) t1.getAs("accounts_touched")).longValue());
            assertEquals(100L, ((Number) t1.getAs("minutes")).longValue());
            assertEquals(2L, ((Number) t1.getAs("deals_won")).longValue());
            assertEquals(0, new BigDecimal("1100.00").compareTo(t1.getAs("won_amount")));
        }
    }

    @Test
    void aGbkExtractIsCopiedAlikeByBothEngines() throws Exception {
        Files.write(dir.resolve("landing/crm/2026-10-01/accounts.csv"),
                "客户编号,客户名称,所在区域\nKA-1,华东机械,\"上海, 浦东\"\nKA-2,北方物流,北京\n".getBytes("GBK"));
        assertCopiedAlike(batch("accounts", "accounts.csv"), "gbk", "客户编号", List.of("KA-1|华东机械|上海, 浦东", "KA-2|北方物流|北京"));
    }

    @Test
    void anExcelExtractIsReadAsIngestReadsItByBothEngines() throws Exception {
        // A Jiandaoyun-style export: a title merged above the header, a role merged down two rows, a date cell.
        final Path book = dir.resolve("landing/crm/2026-10-01/联系人_20261001.xlsx");
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook();
             java.io.OutputStream out = Files.newOutputStream(book)) {
            final org.apache.poi.xssf.usermodel.XSSFSheet s = wb.createSheet("联系人");
            s.createRow(0).createCell(0).setCellValue("联系人导出");
            s.addMergedRegion(new org.apache.poi.ss.util.CellRangeAddress(0, 0, 0, 4));
            final String[][] rows = {
                {"联系人编号", "客户编号", "联系人姓名", "决策角色", "创建日期"},
                {"C1", "KA-1", "王芳, 采购", "决策者", null},
                {"C2", "KA-1", "李雷", null, "2024-03-01"}};
            for (int i = 0; i < rows.length; i++) {
                final org.apache.poi.xssf.usermodel.XSSFRow r = s.createRow(i + 1);
                for (int j = 0; j < rows[i].length; j++) {
                    if (rows[i][j] != null) {
                        r.createCell(j).setCellValue(rows[i][j]);
                    }
                }
            }
            s.addMergedRegion(new org.apache.poi.ss.util.CellRangeAddress(2, 3, 3, 3));
            final org.apache.poi.ss.usermodel.CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("yyyy\"年\"m\"月\"d\"日\""));
            final org.apache.poi.ss.usermodel.Cell created = s.getRow(2).createCell(4);
            created.setCellStyle(date);
            created.setCellValue(LocalDate.of(2023, 5, 6));
            wb.write(out);
        }
        assertCopiedAlike(batch("contacts", "联系人_20261001.xlsx"), "xlsx", "联系人编号",
                List.of("C1|KA-1|王芳, 采购|决策者|2023-05-06", "C2|KA-1|李雷|决策者|2024-03-01"));
    }

    /** Both engines copy {@code b} to the rows expected (ordered by {@code key}, cells joined by |). */
    private static void assertCopiedAlike(final Landing.Batch b, final String name, final String key, final List<String> expected)
            throws Exception {
        final Path duckDir = Files.createDirectories(dir.resolve(name + "-duckdb"));
        try (Connection db = Baselines.duckdb(2)) {
            assertEquals(expected.size(), Baselines.sparkCopy(spark, b, dir.resolve(name + "-spark/copy")));
            assertEquals(expected.size(), Baselines.duckdbCopy(db, b, duckDir.resolve("copy.parquet")));
            final List<String> fromSpark = sparkRows(dir.resolve(name + "-spark/copy"), key);
            assertEquals(expected, fromSpark);
            assertEquals(fromSpark, duckRows(db, duckDir.resolve("copy.parquet")));
        }
    }

    /** A Spark copy's rows, ordered by {@code key}, each as its cells joined by |. */
    private static List<String> sparkRows(final Path copy, final String key) {
        final List<String> out = new ArrayList<>();
        for (final Row r : spark.read().format("delta").load(copy.toString()).orderBy(key).collectAsList()) {
            out.add(r.mkString("|"));
        }
        return out;
    }

    /** A DuckDB copy's rows, ordered by the first column, each as its cells joined by |. */
    private static List<String> duckRows(final Connection db, final Path parquet) throws java.sql.SQLException {
        final List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM read_parquet('" + parquet
                + "') ORDER BY 1")) {
            final int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                final List<String> cells = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    cells.add(rs.getString(i));
                }
                out.add(String.join("|", cells));
            }
        }
        return out;
    }

    @Test
    void theWorkFolderIsEmptiedOnlyWhenTheBenchmarkMadeIt() throws Exception {
        final Path users = Files.createDirectories(dir.resolve("someone-elses"));
        Files.writeString(users.resolve("precious.txt"), "keep me");
        final KamwException e = assertThrows(KamwException.class, () -> Bench.prepare(users));
        assertTrue(e.getMessage().contains("was not made by kamw bench"), e.getMessage());
        assertTrue(Files.exists(users.resolve("precious.txt")));

        final Path work = dir.resolve("work");
        Bench.prepare(work);
        Files.createDirectories(work.resolve("warehouse/gold"));
        Files.writeString(work.resolve("warehouse/gold/old.txt"), "from the last run");
        Bench.prepare(work);
        assertFalse(Files.exists(work.resolve("warehouse")));
        assertTrue(Files.exists(work.resolve(Bench.MARKER)));
    }
}

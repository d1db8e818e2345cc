package io.kamwarehouse.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;

/**
 * An Excel export as a Chinese CRM gives it (Jiandaoyun's 客户 export): a title merged across the
 * sheet above the header, Chinese headers, an amount in 万元, a value merged down two rows, dates as
 * date cells, as an unformatted Excel serial and as text, numbers stored as text; loaded through the
 * same contract, checks and quarantine as the CSV export.
 */
class ExcelExtractTest {

    @TempDir
    Path dir;

    private static final String[] HEADER = {"客户编号", "客户名称", "所属行业", "所在区域", "城市", "客户级别", "负责人工号", "负责人",
        "年营业额(万元)", "员工人数", "创建日期", "更新时间"};

    /** The fixture drop with its accounts CSV replaced by the workbook. */
    private RunContext dropWithWorkbook() throws IOException {
        BronzeIngestionTest.copyTree(Paths.get("src/test/resources/landing"), dir.resolve("landing"));
        final Path drop = dir.resolve("landing/crm/2026-10-01");
        Files.delete(drop.resolve("accounts_20261001.csv"));
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(drop.resolve("客户_20261001.xlsx"))) {
            final XSSFSheet s = wb.createSheet("客户");
            final CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("yyyy\"年\"m\"月\"d\"日\""));
            final CellStyle dateTime = wb.createCellStyle();
            dateTime.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd hh:mm"));
            s.createRow(0).createCell(0).setCellValue("客户导出（导出时间 2026-10-01 08:00）");
            s.addMergedRegion(new CellRangeAddress(0, 0, 0, HEADER.length - 1));
            final XSSFRow h = s.createRow(2);
            for (int i = 0; i < HEADER.length; i++) {
                h.createCell(i).setCellValue(HEADER[i]);
            }
            // A001: numbers as numbers, dates as date cells
            XSSFRow r = row(s, 3, "A001", "华东精密制造有限公司", "制造业", "华东", "上海", "战略", "E001", "张伟");
            r.createCell(8).setCellValue(12500);
            r.createCell(9).setCellValue(3200);
            dated(r.createCell(10), date).setCellValue(LocalDate.of(2021, 3, 15));
            dated(r.createCell(11), dateTime).setCellValue(LocalDateTime.of(2026, 9, 30, 10, 0));
            // A002: its industry merged down from A001's row; numbers stored as text; the created date an unformatted serial
            r = row(s, 4, "A002", "Northwind Logistics", null, "华南", "深圳", "重点", "E002", "Emily Chen", "800.50", "450");
            r.createCell(10).setCellValue(44743); // 2022-07-01
            r.createCell(11).setCellValue("2026/09/30 10:00:00");
            s.addMergedRegion(new CellRangeAddress(3, 4, 2, 2));
            // a blank row, then two rows that break the contract
            row(s, 6, "A003", "坏日期公司", "制造业", "华东", "上海", "普通", "E001", "张伟", "10", "5", "2021-02-30", null);
            row(s, 7, "A004", "无主公司", "制造业", "华东", "上海", "普通", "E777", "某人", "10", "5", "2021/02/01", null);
            wb.write(out);
        }
        return SharedSpark.context(dir);
    }

    private static XSSFRow row(final XSSFSheet s, final int index, final String... values) {
        final XSSFRow r = s.createRow(index);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                r.createCell(i).setCellValue(values[i]);
            }
        }
        return r;
    }

    private static Cell dated(final Cell c, final CellStyle style) {
        c.setCellStyle(style);
        return c;
    }

    private static List<IngestResult> ingest(final RunContext ctx) {
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        return new IngestService(ctx).ingest(landing.scan(Optional.empty(), Optional.empty()));
    }

    @Test
    void aWorkbookWithATitleMergedCellsAndChineseHeadersLoadsEveryRowAccountedFor() throws IOException {
        final RunContext ctx = dropWithWorkbook();
        final IngestResult r = ingest(ctx).stream().filter(x -> x.entity().equals("crm.accounts")).findFirst().orElseThrow();
        assertEquals(RunRecord.SUCCEEDED, r.status(), r.message());
        assertEquals(4, r.rowsRead(), "the title, the blank rows and the header are not rows");
        assertEquals(2, r.rowsLoaded(), () -> ctx.warehouse().read(BronzeIngestor.QUARANTINE).where(col("entity").equalTo("crm.accounts"))
                .select("reason").collectAsList().toString());
        assertEquals(2, r.rowsQuarantined());
        assertTrue(r.message().contains("sheet '客户', header on row 3 (1 title row above it skipped)"), r.message());
        assertTrue(r.message().contains("annual_revenue_amount = '年营业额(万元)' x 10000"), r.message());

        final Map<String, Row> loaded = new TreeMap<>();
        ctx.warehouse().read("raw_crm__accounts").collectAsList().forEach(x -> loaded.put(x.getAs("account_id"), x));
        assertEquals(List.of("A001", "A002"), List.copyOf(loaded.keySet()));
        final Row a1 = loaded.get("A001");
        assertEquals("S", a1.getAs("tier"));
        assertEquals(new BigDecimal("125000000.00"), a1.getAs("annual_revenue_amount"), "12,500 万元 in yuan");
        assertEquals(3200, (int) a1.<Integer>getAs("employee_count"));
        assertEquals(java.sql.Date.valueOf("2021-03-15"), a1.getAs("created_date"), "a date cell, whatever its display format");
        assertEquals(Timestamp.valueOf("2026-09-30 10:00:00"), a1.getAs("updated_at"));
        assertTrue(a1.<String>getAs("_source_file").endsWith("客户_20261001.xlsx"), a1.<String>getAs("_source_file"));
        final Row a2 = loaded.get("A002");
        assertEquals("制造业", a2.getAs("industry"), "a cell merged down two rows gives its value to both");
        assertEquals(new BigDecimal("8005000.00"), a2.getAs("annual_revenue_amount"), "'800.50' stored as text, in 万元");
        assertEquals(450, (int) a2.<Integer>getAs("employee_count"));
        assertEquals(java.sql.Date.valueOf("2022-07-01"), a2.getAs("created_date"), "an Excel serial in a date column");
        assertEquals(Timestamp.valueOf("2026-09-30 10:00:00"), a2.getAs("updated_at"), "a date written as text");

        final Map<String, Row> quarantined = new TreeMap<>();
        ctx.warehouse().read(BronzeIngestor.QUARANTINE).where(col("entity").equalTo("crm.accounts")).collectAsList()
                .forEach(x -> quarantined.put(x.getAs("rule"), x));
        assertEquals(List.of("bad_date", "unknown_reference"), List.copyOf(quarantined.keySet()));
        final String raw = quarantined.get("bad_date").getAs("raw_record");
        assertTrue(raw.contains("\"客户编号\":\"A003\"") && raw.contains("\"创建日期\":\"2021-02-30\""), raw);
    }

    @Test
    void aSheetTheContractNamesThatTheWorkbookLacksIsRefusedNamingItsSheets() throws IOException {
        final RunContext ctx = dropWithWorkbook();
        final io.kamwarehouse.contracts.Contract accounts = ctx.contracts().get("crm.accounts");
        final io.kamwarehouse.contracts.Contract named = new io.kamwarehouse.contracts.Contract(accounts.source(), accounts.entity(),
                accounts.description(), accounts.format(), accounts.encoding(), accounts.delimiter(), accounts.multiline(),
                accounts.files(), accounts.dateFormats(), accounts.businessKey(), accounts.columns(), accounts.origin(),
                accounts.header(), accounts.recordNumber(), "Sheet2", null, accounts.driftRefused(), accounts.version());
        final FileInspector inspector = new FileInspector(ctx.warehouse().hadoopConf());
        final String file = dir.resolve("landing/crm/2026-10-01/客户_20261001.xlsx").toString();
        final KamwException e = assertThrows(KamwException.class, () -> inspector.inspect(file, named));
        assertTrue(e.getMessage().contains("has no sheet 'Sheet2' (its sheets: 客户)"), e.getMessage());

        Files.writeString(dir.resolve("landing/crm/2026-10-01/客户_broken.xlsx"), "not a workbook");
        final KamwException broken = assertThrows(KamwException.class,
                () -> inspector.inspect(dir.resolve("landing/crm/2026-10-01/客户_broken.xlsx").toString(), accounts));
        assertTrue(broken.getMessage().contains("as an Excel workbook (.xlsx)"), broken.getMessage());
    }

    @Test
    void anExportNamingOwnersWithoutIdsIsResolvedAmongTheEmployeesOfTheDayAndTheRestQuarantinedWithTheCandidates()
            throws IOException {
        BronzeIngestionTest.copyTree(Paths.get("src/test/resources/landing"), dir.resolve("landing"));
        final Path drop = dir.resolve("landing/crm/2026-10-01");
        Files.delete(drop.resolve("accounts_20261001.csv"));
        // a second 张伟 joins the company
        Files.writeString(drop.resolve("employees_20261001.csv"),
                "E004,张伟,zhang.wei2@example.com,客户经理,T02,E001,2020-01-01,,否,2026-09-30 10:00:00\n",
                java.nio.file.StandardOpenOption.APPEND);
        final String[] header = {"客户编号", "客户名称", "客户级别", "负责人", "创建日期", "更新时间"};
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(drop.resolve("客户_20261001.xlsx"))) {
            final XSSFSheet s = wb.createSheet("客户");
            row(s, 0, header);
            row(s, 1, "A001", "华东精密制造有限公司", "战略", "张伟", "2021/03/15", "2026/09/30 10:00:00");
            row(s, 2, "A002", "Northwind Logistics", "重点", "Emily Chen", "2022/07/01", "2026/09/30 10:00:00");
            row(s, 3, "A003", "华南电子", "普通", " 王芳 ", "2022/07/01", "2026/09/30 10:00:00");
            row(s, 4, "A004", "旧客户", "普通", "Emily Chen", "2021/07/01", "2024/01/01 09:00:00");
            row(s, 5, "A005", "无主公司", "普通", "某人", "2021/07/01", "2026/09/30 10:00:00");
            row(s, 6, "A006", "无名公司", "普通", null, "2021/07/01", "2026/09/30 10:00:00");
            wb.write(out);
        }
        final RunContext ctx = SharedSpark.context(dir);
        final IngestResult r = ingest(ctx).stream().filter(x -> x.entity().equals("crm.accounts")).findFirst().orElseThrow();
        assertEquals(RunRecord.SUCCEEDED, r.status(), "a file without 负责人工号 but with 负责人 is not refused: " + r.message());
        assertEquals(6, r.rowsRead());
        assertEquals(r.rowsRead(), r.rowsLoaded() + r.rowsQuarantined());

        final Map<String, String> owners = new TreeMap<>();
        ctx.warehouse().read("raw_crm__accounts").collectAsList()
                .forEach(x -> owners.put(x.getAs("account_id"), x.getAs("owner_employee_id")));
        assertEquals(Map.of("A002", "E002", "A003", "E003"), owners, "names resolved to the one employee employed that day");

        final Map<String, String> reasons = new TreeMap<>();
        ctx.warehouse().read(BronzeIngestor.QUARANTINE).where(col("entity").equalTo("crm.accounts")).collectAsList()
                .forEach(x -> reasons.put(x.getAs("raw_record"), x.getAs("reason")));
        final String all = reasons.toString();
        assertTrue(all.contains("ambiguous_name: owner_name '张伟' matches 2 of crm.employees (E001, E004) at 2026-09-30;"
                + " give owner_employee_id to say which"), all);
        assertTrue(all.contains("unknown_name: owner_name 'Emily Chen' matches no crm.employees.employee_name at 2024-01-01"),
                "not yet hired on the account's update date: " + all);
        assertTrue(all.contains("unknown_name: owner_name '某人' matches no crm.employees.employee_name at 2026-09-30"), all);
        assertTrue(all.contains("missing_required: owner_employee_id is blank, and so is owner_name"), all);
        assertEquals(4, reasons.size(), all);
        // the id is delivered, by name: not drift (silver would otherwise keep an earlier owner over the resolved one)
        final List<String> missing = ctx.warehouse().read(SchemaDrift.TABLE).where(col("entity").equalTo("crm.accounts")
                .and(col("change").equalTo("missing"))).select("column_name").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertTrue(missing.contains("industry") && !missing.contains("owner_employee_id"), missing.toString());
    }
}

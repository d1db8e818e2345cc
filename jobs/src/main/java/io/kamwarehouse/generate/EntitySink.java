package io.kamwarehouse.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Streams the rows of one entity into CSV or JSON Lines files (split into parts when a row limit is
 * set), or an Excel workbook as a Chinese CRM exports it (a title merged across the sheet above the
 * header, dates as date cells, everything else as text cells), and injects defects: each defective row breaks exactly one rule and is counted per rule.
 *
 * <p>For entities that other entities reference ({@code referenced}), a defect is an EXTRA row (a copy
 * of the row just written with a fresh, unreferenced id and one broken field) or an exact duplicate of
 * the row just written; the clean row always stays. For other entities the defect replaces the row
 * (or, for duplicate_key, the row is written twice).
 */
final class EntitySink implements AutoCloseable {

    enum Format { CSV, JSONL, XLSX }

    static final long PROGRESS_EVERY = 500_000L;
    static final Charset GBK = Charset.forName("GBK");

    /** Static description of how an entity's file looks. */
    static final class Spec {
        final String source;
        final String entity;
        final Format format;
        final String[] header;
        Charset charset = StandardCharsets.UTF_8;
        boolean bom;
        String lineEnd = "\n";
        /** File name, or a pattern with one %s for the 5-digit part number when maxRowsPerFile > 0. */
        String fileName;
        long maxRowsPerFile;
        /** JSONL: columns written as JSON numbers when their value is numeric. */
        boolean[] numeric;
        final List<Defect> defects = new ArrayList<>();
        double defectRate;
        boolean referenced;
        /** XLSX: the sheet's name and the title above the header. */
        String sheetName;
        String title;
        int idColumn = -1;
        IntFunction<String> freshId;

        Spec(final String source, final String entity, final Format format, final String... header) {
            this.source = source;
            this.entity = entity;
            this.format = format;
            this.header = header;
            this.fileName = entity + switch (format) {
                case CSV -> ".csv";
                case JSONL -> ".jsonl";
                case XLSX -> ".xlsx";
            };
        }

        /** An Excel export: the sheet's name and the title row above the header. */
        Spec sheet(final String name, final String titleText) {
            this.sheetName = name;
            this.title = titleText;
            return this;
        }

        Spec charset(final Charset value) {
            this.charset = value;
            return this;
        }

        Spec bom() {
            this.bom = true;
            return this;
        }

        Spec crlf() {
            this.lineEnd = "\r\n";
            return this;
        }

        Spec file(final String name) {
            this.fileName = name;
            return this;
        }

        Spec parts(final String pattern, final long maxRows) {
            this.fileName = pattern;
            this.maxRowsPerFile = maxRows;
            return this;
        }

        Spec numeric(final int... columns) {
            numeric = new boolean[header.length];
            for (final int c : columns) {
                numeric[c] = true;
            }
            return this;
        }

        Spec defects(final double rate, final Defect... list) {
            this.defectRate = rate;
            this.defects.addAll(List.of(list));
            return this;
        }

        /** Marks the entity as referenced by others: defects become extra rows with fresh ids. */
        Spec referenced(final int idCol, final IntFunction<String> fresh) {
            this.referenced = true;
            this.idColumn = idCol;
            this.freshId = fresh;
            return this;
        }

    }

    private final Spec spec;
    private final Path dir;
    private final ProgressListener progress;
    private final SplittableRandom defectRng;
    private final List<Path> files = new ArrayList<>();
    private final Map<String, Long> defectCounts = new TreeMap<>();
    private Writer out;
    private long rows;
    private long rowsInFile;
    private int defectNumber;
    private int nextDefect;
    private final StringBuilder line = new StringBuilder(256);

    EntitySink(final Spec spec, final Path dir, final ProgressListener progress, final long defectSeed) {
        this.spec = spec;
        this.dir = dir;
        this.progress = progress;
        this.defectRng = new SplittableRandom(defectSeed);
        this.nextDefect = spec.defects.isEmpty() ? 0 : defectRng.nextInt(spec.defects.size());
        openNext();
    }

    Spec spec() {
        return spec;
    }

    long rows() {
        return rows;
    }

    /** Writes a clean row, possibly followed or replaced by a defective one. */
    void write(final String[] values) {
        if (spec.defects.isEmpty() || defectRng.nextDouble() >= spec.defectRate) {
            emit(values, 1);
            return;
        }
        final Defect defect = spec.defects.get(nextDefect);
        nextDefect = (nextDefect + 1) % spec.defects.size();
        final int k = ++defectNumber;
        defectCounts.merge(defect.rule(), 1L, Long::sum);
        if (defect.isDuplicate()) {
            emit(values, 2);
            emit(values, 0);
            return;
        }
        final String[] broken = values.clone();
        if (spec.referenced) {
            emit(values, 2);
            broken[spec.idColumn] = spec.freshId.apply(k);
        }
        broken[defect.column()] = defect.value().apply(k);
        emit(broken, 1);
    }

    private void emit(final String[] values, final int reserve) {
        try {
            if (reserve > 0 && spec.maxRowsPerFile > 0 && rowsInFile + reserve > spec.maxRowsPerFile) {
                closeFile();
                openNext();
            }
            if (spec.format == Format.XLSX) {
                excelRow(values);
            } else {
                out.write(format(values));
                out.write(spec.lineEnd);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + spec.source + "/" + spec.entity, e);
        }
        rows++;
        rowsInFile++;
        if (rows % PROGRESS_EVERY == 0) {
            progress.progress(spec.source + "/" + spec.entity + ": " + Fmt.count(rows) + " rows");
        }
    }

    private void openNext() {
        final String name = spec.maxRowsPerFile > 0
                ? String.format(spec.fileName, Fmt.pad(files.size() + 1L, 5))
                : spec.fileName;
        final Path path = dir.resolve(name);
        if (spec.format == Format.XLSX) {
            openWorkbook(path);
            return;
        }
        try {
            final OutputStream stream = Files.newOutputStream(path);
            final CharsetEncoder encoder = spec.charset.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            out = new BufferedWriter(new OutputStreamWriter(stream, encoder), 1 << 16);
            files.add(path);
            rowsInFile = 0;
            if (spec.bom) {
                out.write('\uFEFF');
            }
            if (spec.format == Format.CSV) {
                out.write(format(spec.header));
                out.write(spec.lineEnd);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    private String format(final String[] values) {
        line.setLength(0);
        if (spec.format == Format.CSV) {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    line.append(',');
                }
                Csv.appendField(line, values[i]);
            }
        } else {
            line.append('{');
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    line.append(',');
                }
                Json.appendString(line, spec.header[i]).append(':');
                final String v = values[i];
                if (v == null) {
                    line.append("null");
                } else if (spec.numeric != null && spec.numeric[i] && Json.isNumber(v)) {
                    line.append(v);
                } else {
                    Json.appendString(line, v);
                }
            }
            line.append('}');
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            closeFile();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot close " + spec.source + "/" + spec.entity, e);
        }
    }

    private void closeFile() throws IOException {
        if (workbook == null) {
            out.close();
            return;
        }
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            workbook.write(bytes);
        } finally {
            workbook.close();
            workbook = null;
        }
        Files.write(workbookPath, reproducible(bytes.toByteArray()));
    }

    /** A fixed time for what a workbook records of when it was written, so the same options give the same bytes. */
    private static final long WORKBOOK_TIME = java.time.LocalDateTime.of(2026, 1, 1, 0, 0).toInstant(java.time.ZoneOffset.UTC)
            .toEpochMilli();

    /**
     * The workbook with its zip entries' times and its document properties' created and modified dates
     * fixed: a generator run gives the same files byte for byte.
     */
    static byte[] reproducible(final byte[] xlsx) throws IOException {
        // read through the central directory (ZipFile): the stream reader refuses the sizes POI leaves in local headers
        final Path tmp = Files.createTempFile("kamw-workbook", ".xlsx");
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(xlsx.length);
        try {
            Files.write(tmp, xlsx);
            try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(tmp.toFile());
                    java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
                for (final java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                    byte[] data;
                    try (java.io.InputStream entry = in.getInputStream(e)) {
                        data = entry.readAllBytes();
                    }
                    if (e.getName().equals("docProps/core.xml")) {
                        data = new String(data, StandardCharsets.UTF_8)
                                .replaceAll("(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", "$12026-01-01T00:00:00Z$3")
                                .getBytes(StandardCharsets.UTF_8);
                    }
                    final java.util.zip.ZipEntry copy = new java.util.zip.ZipEntry(e.getName());
                    copy.setTime(WORKBOOK_TIME);
                    zip.putNextEntry(copy);
                    zip.write(data);
                    zip.closeEntry();
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out.toByteArray();
    }

    // --- Excel -------------------------------------------------------------------------------------

    private org.apache.poi.xssf.streaming.SXSSFWorkbook workbook;
    private org.apache.poi.ss.usermodel.Sheet sheet;
    private org.apache.poi.ss.usermodel.CellStyle dateStyle;
    private org.apache.poi.ss.usermodel.CellStyle dateTimeStyle;
    private Path workbookPath;
    private int nextRow;
    private static final java.util.regex.Pattern ISO_DATE = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final java.util.regex.Pattern ISO_DATE_TIME =
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    /** A workbook streamed to disk (100 rows in memory): title merged across the header's width, a blank row, the header. */
    private void openWorkbook(final Path path) {
        workbook = new org.apache.poi.xssf.streaming.SXSSFWorkbook(100);
        workbook.setCompressTempFiles(true);
        workbookPath = path;
        files.add(path);
        rowsInFile = 0;
        sheet = workbook.createSheet(spec.sheetName != null ? spec.sheetName : spec.entity);
        final org.apache.poi.ss.usermodel.DataFormat formats = workbook.createDataFormat();
        dateStyle = workbook.createCellStyle();
        dateStyle.setDataFormat(formats.getFormat("yyyy\"年\"m\"月\"d\"日\""));
        dateTimeStyle = workbook.createCellStyle();
        dateTimeStyle.setDataFormat(formats.getFormat("yyyy/m/d h:mm:ss"));
        nextRow = 0;
        if (spec.title != null) {
            sheet.createRow(nextRow).createCell(0).setCellValue(spec.title);
            sheet.addMergedRegion(new org.apache.poi.ss.util.CellRangeAddress(nextRow, nextRow, 0, spec.header.length - 1));
            nextRow += 2;
        }
        final org.apache.poi.ss.usermodel.Row h = sheet.createRow(nextRow++);
        for (int i = 0; i < spec.header.length; i++) {
            h.createCell(i).setCellValue(spec.header[i]);
        }
    }

    /** A data row: a valid ISO date or date-time as a date cell (as Excel keeps them), anything else as text. */
    private void excelRow(final String[] values) {
        final org.apache.poi.ss.usermodel.Row r = sheet.createRow(nextRow++);
        for (int i = 0; i < values.length; i++) {
            final String v = values[i];
            if (v == null) {
                continue;
            }
            final org.apache.poi.ss.usermodel.Cell c = r.createCell(i);
            try {
                if (ISO_DATE.matcher(v).matches()) {
                    c.setCellValue(java.time.LocalDate.parse(v));
                    c.setCellStyle(dateStyle);
                    continue;
                }
                if (ISO_DATE_TIME.matcher(v).matches()) {
                    c.setCellValue(java.time.LocalDateTime.parse(v.replace(' ', 'T')));
                    c.setCellStyle(dateTimeStyle);
                    continue;
                }
            } catch (final java.time.format.DateTimeParseException e) {
                // not a date (a defect such as 2024-02-30): kept as the text it is
            }
            c.setCellValue(v);
        }
    }

    EntityReport report() {
        return new EntityReport(spec.source, spec.entity, files, rows, defectCounts);
    }
}

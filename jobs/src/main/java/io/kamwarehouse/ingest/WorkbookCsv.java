package io.kamwarehouse.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.Contract;

/**
 * An Excel extract's sheet written as a plain UTF-8 CSV (header, then every data row; a cell's text as
 * ingest reads it, dates in ISO form), for tools that read text files only, such as the benchmark's
 * baseline copies. The sheet is found as ingest finds it: the contract's sheet, the header below any
 * title rows, merged cells filled, blank rows left out.
 */
public final class WorkbookCsv {

    private WorkbookCsv() {
    }

    /** Writes the contract's sheet of {@code workbook} to {@code csv}; returns the data rows written. */
    public static long write(final Path workbook, final Contract contract, final Path csv) {
        final XlsxSheet sheet;
        try (InputStream in = Files.newInputStream(workbook)) {
            sheet = XlsxSheet.read(in, workbook.toString(), contract);
        } catch (final IOException e) {
            throw new KamwException("cannot read " + workbook + ": " + e.getMessage(), e);
        }
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            line(w, sheet.header());
            for (final XlsxSheet.Cell[] cells : sheet.rows()) {
                final String[] texts = new String[sheet.header().size()];
                for (int i = 0; i < texts.length; i++) {
                    texts[i] = i < cells.length ? XlsxSheet.text(cells[i], null, contract) : null;
                }
                line(w, java.util.Arrays.asList(texts));
            }
            return sheet.rows().size();
        } catch (final IOException e) {
            throw new KamwException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    private static void line(final Writer w, final List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            final String f = fields.get(i);
            if (f != null) {
                w.write('"');
                w.write(f.replace("\"", "\"\""));
                w.write('"');
            }
        }
        w.write('\n');
    }
}

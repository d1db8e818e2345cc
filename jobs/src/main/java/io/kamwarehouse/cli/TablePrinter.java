package io.kamwarehouse.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as an aligned text table, or as CSV with a header line for machines. */
public final class TablePrinter {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public TablePrinter(final List<String> header) {
        this.header = List.copyOf(header);
    }

    public TablePrinter add(final List<?> row) {
        final List<String> cells = new ArrayList<>();
        for (final Object o : row) {
            cells.add(o == null ? "" : String.valueOf(o));
        }
        rows.add(cells);
        return this;
    }

    /**
     * Adds a row whose null cells are SQL NULLs: {@code NULL} in the aligned table; in CSV an empty
     * field, where an empty string is {@code ""}.
     */
    public TablePrinter addNullable(final List<String> row) {
        rows.add(new ArrayList<>(row));
        sqlNulls = true;
        return this;
    }

    /** True once a row with SQL NULLs was added: CSV then quotes empty strings. */
    private boolean sqlNulls;

    /** Text shown for a SQL NULL in the aligned table. */
    static final String NULL_TEXT = "NULL";

    public int size() {
        return rows.size();
    }

    public void print(final PrintStream out, final boolean csv) {
        if (csv) {
            out.println(csvLine(header));
            rows.forEach(r -> out.println(csvLine(r, sqlNulls)));
            return;
        }
        final List<List<String>> shown = new ArrayList<>();
        for (final List<String> r : rows) {
            shown.add(r.stream().map(c -> c == null ? NULL_TEXT : c).toList());
        }
        printAligned(out, shown);
    }

    private void printAligned(final PrintStream out, final List<List<String>> rows) {
        final int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = displayWidth(header.get(i));
        }
        for (final List<String> r : rows) {
            for (int i = 0; i < r.size() && i < width.length; i++) {
                width[i] = Math.max(width[i], displayWidth(r.get(i)));
            }
        }
        out.println(line(header, width));
        final StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        out.println(rule);
        rows.forEach(r -> out.println(line(r, width)));
    }

    private static String line(final List<String> cells, final int[] width) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            final String c = i < cells.size() ? cells.get(i).replace('\n', ' ') : "";
            sb.append(i == 0 ? "" : "  ").append(c);
            if (i < width.length - 1) {
                sb.append(" ".repeat(Math.max(0, width[i] - displayWidth(c))));
            }
        }
        return sb.toString();
    }

    /** Terminal width of a string: CJK characters take two columns. */
    static int displayWidth(final String s) {
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            final int cp = s.codePointAt(i);
            w += isWide(cp) ? 2 : 1;
            i += Character.charCount(cp);
        }
        return w;
    }

    private static boolean isWide(final int cp) {
        return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60)
                || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    }

    static String csvLine(final List<String> cells) {
        return csvLine(cells, false);
    }

    /** A CSV line; with {@code quoteEmpty} an empty string is {@code ""} and a null an empty field. */
    static String csvLine(final List<String> cells, final boolean quoteEmpty) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            final String c = cells.get(i);
            if (i > 0) {
                sb.append(',');
            }
            if (c == null) {
                continue;
            }
            if (c.isEmpty() && quoteEmpty) {
                // an empty string, told apart from a NULL (an empty field)
                sb.append("\"\"");
            } else if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}

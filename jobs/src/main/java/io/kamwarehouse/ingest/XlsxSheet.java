package io.kamwarehouse.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;

import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.ColumnType;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;

/**
 * One sheet of an Excel workbook (.xlsx) read as an extract: its rows streamed from the sheet's XML
 * (never the whole workbook as objects), merged cells filled with their top-left value (a title
 * merged across the width, a value merged down a group of rows), the header found below any title
 * rows (the row among the first {@value #HEADER_SEARCH_ROWS} naming most of the contract's headers,
 * or the contract's {@code header_row}), blank rows skipped. Cells keep what Excel knows of them: a
 * date cell is a date, a number a number, so {@link #text} can give each the column's own format.
 */
final class XlsxSheet {

    static final int HEADER_SEARCH_ROWS = 30;

    /** A cell: its text (shared or inline string, formula result, or the number as written), and whether it is a number or a date. */
    record Cell(String text, boolean number, boolean date) {
    }

    private final String sheetName;
    private final int headerRow;
    private final List<String> header;
    private final List<Cell[]> rows;
    private final List<Integer> rowNumbers;
    private final int titleRows;

    private XlsxSheet(final String sheetName, final int headerRow, final List<String> header, final List<Cell[]> rows,
            final List<Integer> rowNumbers, final int titleRows) {
        this.sheetName = sheetName;
        this.headerRow = headerRow;
        this.header = header;
        this.rows = rows;
        this.rowNumbers = rowNumbers;
        this.titleRows = titleRows;
    }

    String sheetName() {
        return sheetName;
    }

    /** 1-based row number of the header in the sheet. */
    int headerRow() {
        return headerRow;
    }

    List<String> header() {
        return header;
    }

    /** The data rows below the header, blank rows left out. */
    List<Cell[]> rows() {
        return rows;
    }

    /** 1-based sheet row number of each data row. */
    List<Integer> rowNumbers() {
        return rowNumbers;
    }

    /** What the inspection tells about the sheet: its name, and the title rows skipped above the header. */
    String note(final String file) {
        return file.substring(file.lastIndexOf('/') + 1) + ": sheet '" + sheetName + "', header on row " + headerRow
                + (titleRows > 0 ? " (" + titleRows + " title row" + (titleRows == 1 ? "" : "s") + " above it skipped)" : "");
    }

    /**
     * The cell as the text the contract's checks read: a date cell (or a number in a date or timestamp
     * column: an Excel serial date) in the column's first format, a number without exponent or grouping,
     * any other cell as written.
     */
    static String text(final Cell cell, final ContractColumn column, final Contract contract) {
        if (cell == null || cell.text() == null) {
            return null;
        }
        final boolean temporal = column != null && column.type().isTemporal();
        if (cell.number() && (cell.date() || temporal)) {
            final double serial;
            try {
                serial = Double.parseDouble(cell.text());
            } catch (final NumberFormatException e) {
                return cell.text();
            }
            if (!DateUtil.isValidExcelDate(serial)) {
                return cell.text();
            }
            final LocalDateTime t = DateUtil.getLocalDateTime(serial);
            if (temporal) {
                final String pattern = contract.formatsFor(column).get(0);
                try {
                    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(column.type().kind() == ColumnType.Kind.DATE
                            ? t.toLocalDate().atStartOfDay() : t);
                } catch (final IllegalArgumentException | java.time.DateTimeException e) {
                    // a Spark pattern Java does not know: ISO, which the checks then report against the contract's formats
                }
            }
            return t.toLocalTime().toSecondOfDay() == 0 ? t.toLocalDate().toString()
                    : t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT));
        }
        if (cell.number()) {
            try {
                return new BigDecimal(cell.text()).stripTrailingZeros().toPlainString();
            } catch (final NumberFormatException e) {
                return cell.text();
            }
        }
        return cell.text();
    }

    /** Reads the contract's sheet (its {@code sheet}, else the first) of the workbook in {@code in}. */
    static XlsxSheet read(final InputStream in, final String file, final Contract contract) {
        try (OPCPackage pkg = OPCPackage.open(in)) {
            final XSSFReader reader = new XSSFReader(pkg);
            final ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg);
            final StylesTable styles = reader.getStylesTable();
            final XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            final List<String> names = new ArrayList<>();
            while (sheets.hasNext()) {
                try (InputStream sheet = sheets.next()) {
                    final String name = sheets.getSheetName();
                    names.add(name);
                    if (contract.sheet() == null ? names.size() == 1 : contract.sheet().equals(name)) {
                        final SheetHandler h = new SheetHandler(strings, styles);
                        parse(sheet, h);
                        return shape(name, h, file, contract);
                    }
                }
            }
            if (names.isEmpty()) {
                throw new KamwException("cannot read " + file + ": the workbook has no sheet");
            }
            throw new KamwException("file " + file + " has no sheet '" + contract.sheet() + "' (its sheets: " + String.join(", ", names)
                    + "); fix 'sheet' in " + contract.origin() + " or the export");
        } catch (final IOException | OpenXML4JException | SAXException | ParserConfigurationException | RuntimeException e) {
            if (e instanceof KamwException k) {
                throw k;
            }
            throw new KamwException("cannot read " + file + " as an Excel workbook (.xlsx): " + e.getMessage()
                    + "; it may be cut short, an old .xls, or another file renamed: export it again as .xlsx", e);
        }
    }

    private static void parse(final InputStream sheet, final SheetHandler h)
            throws IOException, SAXException, ParserConfigurationException {
        final SAXParserFactory f = SAXParserFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.newSAXParser().parse(sheet, h);
    }

    private static XlsxSheet shape(final String name, final SheetHandler h, final String file, final Contract contract) {
        final List<Cell[]> all = h.rows;
        // merged cells: the top-left value fills the region
        for (final CellRangeAddress m : h.merges) {
            if (m.getFirstRow() >= all.size()) {
                continue;
            }
            final Cell[] first = all.get(m.getFirstRow());
            final Cell v = first != null && m.getFirstColumn() < first.length ? first[m.getFirstColumn()] : null;
            if (v == null) {
                continue;
            }
            for (int r = m.getFirstRow(); r <= Math.min(m.getLastRow(), all.size() - 1); r++) {
                Cell[] row = all.get(r);
                if (row == null || row.length <= m.getLastColumn()) {
                    final Cell[] wider = new Cell[m.getLastColumn() + 1];
                    if (row != null) {
                        System.arraycopy(row, 0, wider, 0, row.length);
                    }
                    row = wider;
                    all.set(r, row);
                }
                for (int c = m.getFirstColumn(); c <= m.getLastColumn(); c++) {
                    row[c] = v;
                }
            }
        }
        final int headerIndex = headerIndex(all, file, contract);
        if (headerIndex < 0) {
            return new XlsxSheet(name, 0, List.of(), List.of(), List.of(), 0);
        }
        final Cell[] headerCells = all.get(headerIndex);
        int width = headerCells.length;
        while (width > 0 && blank(headerCells[width - 1])) {
            width--;
        }
        final List<String> header = new ArrayList<>();
        for (int c = 0; c < width; c++) {
            header.add(blank(headerCells[c]) ? "" : headerCells[c].text().trim());
        }
        final List<Cell[]> data = new ArrayList<>();
        final List<Integer> numbers = new ArrayList<>();
        for (int r = headerIndex + 1; r < all.size(); r++) {
            final Cell[] row = all.get(r);
            if (row == null || java.util.Arrays.stream(row).allMatch(XlsxSheet::blank)) {
                continue;
            }
            final Cell[] fitted = new Cell[width];
            System.arraycopy(row, 0, fitted, 0, Math.min(width, row.length));
            data.add(fitted);
            numbers.add(r + 1);
        }
        int titles = 0;
        for (int r = 0; r < headerIndex; r++) {
            titles += all.get(r) == null || java.util.Arrays.stream(all.get(r)).allMatch(XlsxSheet::blank) ? 0 : 1;
        }
        return new XlsxSheet(name, headerIndex + 1, List.copyOf(header), data, numbers, titles);
    }

    /** The 0-based header row: the contract's header_row, else the first of the top rows naming most contract headers. */
    private static int headerIndex(final List<Cell[]> all, final String file, final Contract contract) {
        if (contract.headerRow() != null) {
            final int i = contract.headerRow() - 1;
            if (i >= all.size() || all.get(i) == null) {
                throw new KamwException("file " + file + " has no header on row " + contract.headerRow() + " (header_row in "
                        + contract.origin() + "): the sheet has " + all.size() + " rows");
            }
            return i;
        }
        final Set<String> known = new HashSet<>();
        contract.columns().forEach(c -> c.headerNames().forEach(n -> known.add(Contract.normalizeHeader(n))));
        int best = -1;
        int bestScore = 0;
        int firstNonBlank = -1;
        for (int r = 0; r < Math.min(all.size(), HEADER_SEARCH_ROWS); r++) {
            final Cell[] row = all.get(r);
            if (row == null || java.util.Arrays.stream(row).allMatch(XlsxSheet::blank)) {
                continue;
            }
            firstNonBlank = firstNonBlank < 0 ? r : firstNonBlank;
            final Set<String> named = new HashSet<>();
            for (final Cell c : row) {
                if (!blank(c) && known.contains(Contract.normalizeHeader(c.text()))) {
                    named.add(Contract.normalizeHeader(c.text()));
                }
            }
            if (named.size() > bestScore) {
                best = r;
                bestScore = named.size();
            }
        }
        // no row names a contract header: the first row is the header, and the file is refused for its missing columns
        return best >= 0 ? best : firstNonBlank;
    }

    private static boolean blank(final Cell c) {
        return c == null || c.text() == null || c.text().isBlank();
    }

    /** SAX handler of a sheet part: rows of cells, and the merged regions. */
    private static final class SheetHandler extends DefaultHandler {
        private final ReadOnlySharedStringsTable strings;
        private final StylesTable styles;
        final List<Cell[]> rows = new ArrayList<>();
        final List<CellRangeAddress> merges = new ArrayList<>();
        private List<Cell> row;
        private int rowIndex;
        private int column;
        private String type;
        private int style;
        private final StringBuilder value = new StringBuilder();
        private boolean inValue;
        private boolean inInline;

        SheetHandler(final ReadOnlySharedStringsTable strings, final StylesTable styles) {
            this.strings = strings;
            this.styles = styles;
        }

        @Override
        public void startElement(final String uri, final String local, final String qName, final Attributes a) {
            switch (local) {
                case "row" -> {
                    final String r = a.getValue("r");
                    rowIndex = r != null ? Integer.parseInt(r) - 1 : rows.size();
                    row = new ArrayList<>();
                    column = -1;
                }
                case "c" -> {
                    final String ref = a.getValue("r");
                    column = ref != null ? new CellReference(ref).getCol() : column + 1;
                    type = a.getValue("t");
                    final String s = a.getValue("s");
                    style = s != null ? Integer.parseInt(s) : -1;
                    value.setLength(0);
                }
                case "v" -> inValue = true;
                case "t" -> inInline = "inlineStr".equals(type);
                case "mergeCell" -> {
                    final String ref = a.getValue("ref");
                    if (ref != null) {
                        merges.add(CellRangeAddress.valueOf(ref));
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void characters(final char[] ch, final int start, final int length) {
            if (inValue || inInline) {
                value.append(ch, start, length);
            }
        }

        @Override
        public void endElement(final String uri, final String local, final String qName) {
            switch (local) {
                case "v" -> inValue = false;
                case "t" -> inInline = false;
                case "c" -> {
                    while (row.size() < column) {
                        row.add(null);
                    }
                    row.add(cell());
                }
                case "row" -> {
                    while (rows.size() < rowIndex) {
                        rows.add(null);
                    }
                    rows.add(row.toArray(new Cell[0]));
                    row = null;
                }
                default -> {
                }
            }
        }

        private Cell cell() {
            final String v = value.toString();
            if (type == null || "n".equals(type)) {
                if (v.isEmpty()) {
                    return null;
                }
                boolean date = false;
                if (style >= 0 && style < styles.getNumCellStyles()) {
                    final XSSFCellStyle st = styles.getStyleAt(style);
                    date = DateUtil.isADateFormat(st.getDataFormat(), st.getDataFormatString());
                }
                return new Cell(v, true, date);
            }
            return switch (type) {
                case "s" -> new Cell(strings.getItemAt(Integer.parseInt(v.trim())).getString(), false, false);
                case "b" -> new Cell("1".equals(v) ? "true" : "false", false, false);
                case "d" -> new Cell(v, false, false); // an ISO 8601 date cell
                default -> new Cell(v, false, false); // inlineStr, str (a formula's text), e (an error such as #N/A)
            };
        }
    }
}

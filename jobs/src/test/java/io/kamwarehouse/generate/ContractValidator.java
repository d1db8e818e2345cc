package io.kamwarehouse.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.Type;

/**
 * An independent, test-only re-implementation of the source-contract rules of schemas/sources/README.md,
 * used to check that the generator's files parse through the contracts and that the defects it reports
 * are exactly what a correct validator quarantines.
 */
final class ContractValidator {

    static final Path CONTRACTS = Path.of("..", "schemas", "sources");

    record Column(String name, String type, boolean required, List<String> aliases, List<String> formats,
            Map<String, String> valueMap, List<String> accepted, BigDecimal min, BigDecimal max, String references) {
    }

    record Contract(String source, String entity, String format, String encoding, List<String> files,
            List<String> dateFormats, List<String> businessKey, List<Column> columns) {

        Column column(final String name) {
            for (final Column c : columns) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** The outcome for one entity of one drop. */
    static final class Result {
        final Contract contract;
        final List<Path> files = new ArrayList<>();
        final List<List<String>> headers = new ArrayList<>();
        final List<String> unknownHeaders = new ArrayList<>();
        final List<String> missingRequiredColumns = new ArrayList<>();
        long rows;
        final Map<String, Long> quarantined = new TreeMap<>();
        /** Rows that pass every rule, as canonical column -> value. */
        final List<Map<String, String>> clean = new ArrayList<>();
        final Map<String, Set<String>> keyValues = new HashMap<>();

        Result(final Contract contract) {
            this.contract = contract;
        }

        void quarantine(final String rule) {
            quarantined.merge(rule, 1L, Long::sum);
        }

        Set<String> values(final String column) {
            return keyValues.computeIfAbsent(column, c -> {
                final Set<String> out = new HashSet<>();
                for (final Map<String, String> row : clean) {
                    final String v = row.get(c);
                    if (v != null) {
                        out.add(v);
                    }
                }
                return out;
            });
        }
    }

    private final Map<String, Contract> contracts = new LinkedHashMap<>();

    ContractValidator() {
        final YAMLMapper yaml = new YAMLMapper();
        for (final String source : List.of("crm", "finance", "survey")) {
            try (Stream<Path> files = Files.list(CONTRACTS.resolve(source))) {
                for (final Path p : files.sorted().toList()) {
                    if (p.toString().endsWith(".yaml")) {
                        final Contract c = parse(yaml.readTree(p.toFile()));
                        contracts.put(c.source() + "/" + c.entity(), c);
                    }
                }
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Map<String, Contract> contracts() {
        return contracts;
    }

    private static List<String> strings(final JsonNode node) {
        final List<String> out = new ArrayList<>();
        if (node != null && !node.isNull()) {
            if (node.isArray()) {
                node.forEach(n -> out.add(n.asText()));
            } else {
                out.add(node.asText());
            }
        }
        return out;
    }

    private static Contract parse(final JsonNode n) {
        final List<Column> columns = new ArrayList<>();
        for (final JsonNode c : n.get("columns")) {
            final Map<String, String> valueMap = new LinkedHashMap<>();
            if (c.has("value_map")) {
                final Iterator<Map.Entry<String, JsonNode>> it = c.get("value_map").fields();
                while (it.hasNext()) {
                    final Map.Entry<String, JsonNode> e = it.next();
                    valueMap.put(e.getKey(), e.getValue().asText());
                }
            }
            columns.add(new Column(c.get("name").asText(), c.get("type").asText(),
                    c.has("required") && c.get("required").asBoolean(), strings(c.get("aliases")),
                    strings(c.get("formats")), valueMap, strings(c.get("accepted_values")),
                    c.has("min") ? new BigDecimal(c.get("min").asText()) : null,
                    c.has("max") ? new BigDecimal(c.get("max").asText()) : null,
                    c.has("references") ? c.get("references").asText() : null));
        }
        return new Contract(n.get("source").asText(), n.get("entity").asText(), n.get("format").asText(),
                n.has("encoding") ? n.get("encoding").asText() : "utf-8", strings(n.get("files")),
                strings(n.get("date_formats")), strings(n.get("business_key")), columns);
    }

    static String normaliseHeader(final String header) {
        String h = header.replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT);
        h = h.replace(' ', '_').replace('-', '_');
        return h;
    }

    /** Maps a header to a canonical column name, or null when the contract does not know it. */
    static String canonical(final Contract contract, final String header) {
        final String h = normaliseHeader(header);
        for (final Column c : contract.columns()) {
            if (normaliseHeader(c.name()).equals(h)) {
                return c.name();
            }
            for (final String alias : c.aliases()) {
                if (normaliseHeader(alias).equals(h)) {
                    return c.name();
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ validation of a drop

    /**
     * Validates every entity present in {@code <landing>/<source>/<date>/} for the three sources.
     * References resolve against this drop plus {@code baseline} (earlier drops), if given.
     */
    Map<String, Result> validate(final Path landing, final LocalDate dropDate, final Map<String, Result> baseline) {
        final Map<String, Result> results = new LinkedHashMap<>();
        for (final Contract c : contracts.values()) {
            final Path dir = landing.resolve(c.source()).resolve(dropDate.toString());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            final List<Path> files = matching(dir, c);
            if (files.isEmpty()) {
                continue;
            }
            final Result result = new Result(c);
            result.files.addAll(files);
            final List<Map<String, String>> candidates = new ArrayList<>();
            for (final Path f : files) {
                final List<Map<String, String>> records = read(c, f, result);
                final Set<String> keys = new HashSet<>();
                for (final Map<String, String> row : records) {
                    result.rows++;
                    final String rule = checkRow(c, row);
                    if (rule != null) {
                        result.quarantine(rule);
                        continue;
                    }
                    final StringBuilder key = new StringBuilder();
                    for (final String k : c.businessKey()) {
                        key.append(row.get(k)).append('\u0001');
                    }
                    if (!keys.add(key.toString())) {
                        result.quarantine("duplicate_key");
                        continue;
                    }
                    candidates.add(row);
                }
            }
            result.clean.addAll(candidates);
            results.put(c.source() + "/" + c.entity(), result);
        }
        // references: against the candidate rows of the referenced entity (this drop + baseline)
        for (final Result result : results.values()) {
            final List<Map<String, String>> kept = new ArrayList<>();
            for (final Map<String, String> row : result.clean) {
                String failed = null;
                for (final Column col : result.contract.columns()) {
                    final String v = row.get(col.name());
                    if (col.references() == null || v == null) {
                        continue;
                    }
                    final String[] parts = col.references().split("\\.");
                    final String target = parts.length == 3 ? parts[0] + "/" + parts[1] : result.contract.source() + "/" + parts[0];
                    final String column = parts[parts.length - 1];
                    final boolean found = (results.containsKey(target) && results.get(target).values(column).contains(v))
                            || (baseline != null && baseline.containsKey(target) && baseline.get(target).values(column).contains(v));
                    if (!found) {
                        failed = "unknown_reference";
                        break;
                    }
                }
                if (failed != null) {
                    result.quarantine(failed);
                } else {
                    kept.add(row);
                }
            }
            result.clean.clear();
            result.clean.addAll(kept);
            result.keyValues.clear();
        }
        return results;
    }

    private static List<Path> matching(final Path dir, final Contract c) {
        final List<PathMatcher> matchers = new ArrayList<>();
        for (final String glob : c.files()) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                final String name = p.getFileName().toString();
                if (name.startsWith("_") || name.startsWith(".")) {
                    return false;
                }
                for (final PathMatcher m : matchers) {
                    if (m.matches(p.getFileName())) {
                        return true;
                    }
                }
                return false;
            }).sorted().toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when the row passes, else the first rule it breaks. */
    private static String checkRow(final Contract c, final Map<String, String> row) {
        if (row.containsKey("__malformed")) {
            return "malformed_record";
        }
        for (final Column col : c.columns()) {
            final String v = row.get(col.name());
            if (col.required() && (v == null || v.isBlank())) {
                return "missing_required";
            }
        }
        for (final Column col : c.columns()) {
            final String raw = row.get(col.name());
            if (raw == null || raw.isBlank()) {
                continue;
            }
            final String v = raw.trim();
            final String type = col.type();
            BigDecimal number = null;
            if (type.equals("integer") || type.equals("long")) {
                try {
                    number = new BigDecimal(Long.parseLong(v));
                    if (type.equals("integer") && (number.longValue() > Integer.MAX_VALUE || number.longValue() < Integer.MIN_VALUE)) {
                        return "bad_integer";
                    }
                } catch (final NumberFormatException e) {
                    return "bad_integer";
                }
            } else if (type.startsWith("decimal")) {
                final String[] ps = type.substring(type.indexOf('(') + 1, type.indexOf(')')).split(",");
                final int p = Integer.parseInt(ps[0].trim());
                final int s = Integer.parseInt(ps[1].trim());
                try {
                    number = new BigDecimal(v);
                } catch (final NumberFormatException e) {
                    return "bad_decimal";
                }
                if (number.scale() > s || number.precision() - number.scale() > p - s) {
                    return "bad_decimal";
                }
            } else if (type.equals("date")) {
                if (!parsesDate(formats(c, col, List.of("yyyy-MM-dd")), v)) {
                    return "bad_date";
                }
            } else if (type.equals("timestamp")) {
                if (!parsesTimestamp(formats(c, col, List.of("yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss")), v)) {
                    return "bad_timestamp";
                }
            } else if (type.equals("boolean")) {
                if (!Set.of("true", "false").contains(v.toLowerCase(Locale.ROOT))) {
                    return "bad_boolean";
                }
            }
            final String mapped = col.valueMap().getOrDefault(v, v);
            if (!col.accepted().isEmpty() && !col.accepted().contains(mapped)) {
                return "not_accepted";
            }
            if (number != null && ((col.min() != null && number.compareTo(col.min()) < 0)
                    || (col.max() != null && number.compareTo(col.max()) > 0))) {
                return "out_of_range";
            }
            row.put(col.name(), mapped);
        }
        return null;
    }

    private static List<String> formats(final Contract c, final Column col, final List<String> fallback) {
        if (!col.formats().isEmpty()) {
            return col.formats();
        }
        return c.dateFormats().isEmpty() ? fallback : c.dateFormats();
    }

    private static DateTimeFormatter formatter(final String pattern) {
        return DateTimeFormatter.ofPattern(pattern.replace("yyyy", "uuuu"), Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    }

    private static boolean parsesDate(final List<String> patterns, final String v) {
        for (final String p : patterns) {
            try {
                final TemporalAccessor t = formatter(p).parse(v);
                if (!t.isSupported(ChronoField.DAY_OF_MONTH)) {
                    YearMonth.from(t);
                } else {
                    LocalDate.from(t);
                }
                return true;
            } catch (final RuntimeException e) {
                // try the next pattern
            }
        }
        return false;
    }

    private static boolean parsesTimestamp(final List<String> patterns, final String v) {
        for (final String p : patterns) {
            try {
                final TemporalAccessor t = formatter(p).parse(v);
                LocalDate.from(t);
                t.getLong(ChronoField.SECOND_OF_DAY);
                return true;
            } catch (final RuntimeException e) {
                // try the next pattern
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ readers

    private static List<Map<String, String>> read(final Contract c, final Path f, final Result result) {
        try {
            if (f.getFileName().toString().endsWith(".xlsx")) {
                return readXlsx(c, f, result);
            }
            return switch (c.format()) {
                case "csv" -> readCsv(c, f, result);
                case "jsonl" -> readJsonl(c, f, result);
                case "parquet" -> readParquet(c, f, result);
                default -> throw new IllegalStateException(c.format());
            };
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String decode(final byte[] bytes, final String encoding) {
        final boolean bom = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
        final Charset cs = encoding.equalsIgnoreCase("gbk") ? Charset.forName("GBK") : StandardCharsets.UTF_8;
        try {
            final String text = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return bom && cs == StandardCharsets.UTF_8 ? text.substring(1) : text;
        } catch (final CharacterCodingException e) {
            throw new IllegalStateException("not valid " + encoding, e);
        }
    }

    /** RFC 4180 records (quoted fields may contain commas, quotes and newlines). */
    static List<List<String>> parseCsv(final String text) {
        final List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        final StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            final char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
                continue;
            }
            if (ch == '"') {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                record.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (ch == '\r' || ch == '\n') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                any = false;
            } else {
                field.append(ch);
                any = true;
            }
        }
        if (any || field.length() > 0) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    private static List<String> mapHeader(final Contract c, final List<String> header, final Result result) {
        final List<String> canonical = new ArrayList<>();
        for (final String h : header) {
            final String name = canonical(c, h);
            if (name == null) {
                result.unknownHeaders.add(h);
            }
            canonical.add(name);
        }
        for (final Column col : c.columns()) {
            if (col.required() && !canonical.contains(col.name())) {
                result.missingRequiredColumns.add(col.name());
            }
        }
        result.headers.add(header);
        return canonical;
    }

    private static List<Map<String, String>> readCsv(final Contract c, final Path f, final Result result) throws IOException {
        final List<List<String>> records = parseCsv(decode(Files.readAllBytes(f), c.encoding()));
        final List<String> canonical = mapHeader(c, records.get(0), result);
        final List<Map<String, String>> out = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            final List<String> values = records.get(i);
            final Map<String, String> row = new HashMap<>();
            if (values.size() != canonical.size()) {
                row.put("__malformed", "1");
            } else {
                for (int j = 0; j < values.size(); j++) {
                    if (canonical.get(j) != null && !values.get(j).isEmpty()) {
                        row.put(canonical.get(j), values.get(j));
                    }
                }
            }
            row.put("__line", String.join(",", values));
            out.add(row);
        }
        return out;
    }

    /**
     * An Excel export: the first sheet; the header is the first row whose cells name contract columns
     * (title rows above it skipped); date cells as ISO dates or date-times; numbers as written.
     */
    private static List<Map<String, String>> readXlsx(final Contract c, final Path f, final Result result) throws IOException {
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(f.toFile())) {
            final org.apache.poi.ss.usermodel.Sheet sheet = wb.getSheetAt(0);
            int headerRow = -1;
            for (int r = 0; r <= Math.min(sheet.getLastRowNum(), 30) && headerRow < 0; r++) {
                final org.apache.poi.ss.usermodel.Row row = sheet.getRow(r);
                if (row != null && row.getPhysicalNumberOfCells() > 1 && cells(row).stream().filter(h -> canonical(c, h) != null).count() > 1) {
                    headerRow = r;
                }
            }
            if (headerRow < 0) {
                throw new IllegalStateException(f + ": no header row naming contract columns");
            }
            final List<String> header = cells(sheet.getRow(headerRow));
            final List<String> canonical = mapHeader(c, header, result);
            final List<Map<String, String>> out = new ArrayList<>();
            for (int r = headerRow + 1; r <= sheet.getLastRowNum(); r++) {
                final org.apache.poi.ss.usermodel.Row row = sheet.getRow(r);
                if (row == null) {
                    continue;
                }
                final List<String> values = cells(row);
                final Map<String, String> m = new HashMap<>();
                for (int j = 0; j < Math.min(values.size(), canonical.size()); j++) {
                    if (canonical.get(j) != null && !values.get(j).isEmpty()) {
                        m.put(canonical.get(j), values.get(j));
                    }
                }
                m.put("__line", String.join(",", values));
                out.add(m);
            }
            return out;
        } catch (final org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
    }

    private static List<String> cells(final org.apache.poi.ss.usermodel.Row row) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < row.getLastCellNum(); i++) {
            final org.apache.poi.ss.usermodel.Cell cell = row.getCell(i);
            if (cell == null) {
                out.add("");
            } else if (cell.getCellType() == org.apache.poi.ss.usermodel.CellType.NUMERIC
                    && org.apache.poi.ss.usermodel.DateUtil.isCellDateFormatted(cell)) {
                final java.time.LocalDateTime t = cell.getLocalDateTimeCellValue();
                out.add(t.toLocalTime().toSecondOfDay() == 0 ? t.toLocalDate().toString() : t.toString().replace('T', ' ')
                        + (t.getSecond() == 0 ? ":00" : ""));
            } else if (cell.getCellType() == org.apache.poi.ss.usermodel.CellType.NUMERIC) {
                out.add(new BigDecimal(Double.toString(cell.getNumericCellValue())).stripTrailingZeros().toPlainString());
            } else {
                out.add(cell.toString());
            }
        }
        return out;
    }

    private static List<Map<String, String>> readJsonl(final Contract c, final Path f, final Result result) throws IOException {
        final ObjectMapper json = new ObjectMapper();
        final List<Map<String, String>> out = new ArrayList<>();
        boolean first = true;
        for (final String line : decode(Files.readAllBytes(f), c.encoding()).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            final JsonNode node = json.readTree(line);
            final List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            final List<String> canonical = first ? mapHeader(c, names, result) : names.stream().map(h -> canonical(c, h)).toList();
            first = false;
            final Map<String, String> row = new HashMap<>();
            for (int j = 0; j < names.size(); j++) {
                final JsonNode v = node.get(names.get(j));
                if (canonical.get(j) != null && v != null && !v.isNull()) {
                    row.put(canonical.get(j), v.asText());
                }
            }
            row.put("__line", line);
            out.add(row);
        }
        return out;
    }

    private static List<Map<String, String>> readParquet(final Contract c, final Path f, final Result result) throws IOException {
        final List<Map<String, String>> out = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(f.toAbsolutePath().toUri())).withConf(new Configuration()).build()) {
            Group g;
            boolean first = true;
            while ((g = reader.read()) != null) {
                final List<Type> fields = g.getType().getFields();
                if (first) {
                    mapHeader(c, fields.stream().map(Type::getName).toList(), result);
                    first = false;
                }
                final Map<String, String> row = new HashMap<>();
                for (int i = 0; i < fields.size(); i++) {
                    if (g.getFieldRepetitionCount(i) == 0) {
                        continue;
                    }
                    final Type t = fields.get(i);
                    final LogicalTypeAnnotation lt = t.getLogicalTypeAnnotation();
                    final String v;
                    if (lt instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                        v = LocalDate.ofEpochDay(g.getInteger(i, 0)).toString();
                    } else if (lt instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
                        v = BigDecimal.valueOf(g.getLong(i, 0), d.getScale()).toPlainString();
                    } else {
                        v = g.getString(i, 0);
                    }
                    row.put(canonical(c, t.getName()), v);
                }
                row.put("__line", row.toString());
                out.add(row);
            }
        }
        return out;
    }
}

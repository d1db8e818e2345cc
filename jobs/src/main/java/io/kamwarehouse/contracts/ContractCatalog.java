package io.kamwarehouse.contracts;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.kamwarehouse.DependencyOrder;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.YamlFields;

/**
 * All source contracts, loaded and checked together: every file parses, names match their
 * path, and every reference points at a known entity and column.
 */
public final class ContractCatalog {

    private static final Set<String> CONTRACT_KEYS = Set.of("source", "entity", "description", "format", "encoding",
            "delimiter", "header", "record_number", "multiline", "files", "date_formats", "business_key", "columns", "sheet", "header_row", "drift");
    private static final Set<String> COLUMN_KEYS = Set.of("name", "type", "required", "aliases", "formats",
            "value_map", "accepted_values", "min", "max", "references", "description", "header_scale", "by_name");
    /** A header naming a unit other than the yuan: 年营业额(万元), 金额（千元）, 合同额(亿元). */
    private static final java.util.regex.Pattern UNIT_IN_HEADER =
            java.util.regex.Pattern.compile(".*[(（]\\s*(万元|千元|百万元|亿元|万|千|百万|亿)\\s*[)）]\\s*$");
    private static final Set<String> ENCODINGS = Set.of("utf-8", "gbk", "auto");

    private final Map<String, Contract> byName;

    private ContractCatalog(final Map<String, Contract> byName) {
        this.byName = byName;
    }

    /** Loads every {@code sources/<source>/<entity>.yaml}. */
    public static ContractCatalog load(final SchemaFiles schemas) {
        final Map<String, Contract> contracts = new TreeMap<>();
        for (final String path : schemas.list("sources/")) {
            if (!path.endsWith(".yaml") && !path.endsWith(".yml")) {
                continue;
            }
            final Contract c = parse(path, schemas.read(path));
            contracts.put(c.qualifiedName(), c);
        }
        final ContractCatalog catalog = new ContractCatalog(contracts);
        catalog.checkReferences();
        return catalog;
    }

    /** Parses one contract file; {@code path} is {@code sources/<source>/<entity>.yaml}. */
    public static Contract parse(final String path, final String yaml) {
        final YamlFields<ContractException> f = new YamlFields<>("contract " + path, ContractException::new);
        final Map<String, Object> doc = f.document(yaml);
        f.unknownKeys(null, doc.keySet(), CONTRACT_KEYS);
        final String source = f.requiredString(doc, "source", "source");
        final String entity = f.requiredString(doc, "entity", "entity");
        final String[] parts = path.split("/");
        if (parts.length == 3) {
            final String fileEntity = parts[2].replaceFirst("\\.ya?ml$", "");
            if (!parts[1].equals(source) || !fileEntity.equals(entity)) {
                throw new ContractException("contract " + path + " says source '" + source + "', entity '" + entity
                        + "' but lives at sources/" + parts[1] + "/" + parts[2] + "; the path must be sources/<source>/<entity>.yaml");
            }
        }
        checkName(path, "source", source);
        checkName(path, "entity", entity);
        final Contract.Format format;
        try {
            format = Contract.Format.valueOf(stringOr(doc, "format", "csv").toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new ContractException("contract " + path + ": format '" + doc.get("format") + "' is not csv, jsonl or parquet");
        }
        final String encoding = stringOr(doc, "encoding", "utf-8").toLowerCase(Locale.ROOT).replace("utf8", "utf-8");
        if (!ENCODINGS.contains(encoding)) {
            throw new ContractException("contract " + path + ": encoding '" + encoding + "' is not utf-8, gbk or auto");
        }
        final List<String> files = f.stringList(doc, "files", "files", false);
        if (files.isEmpty()) {
            files.add(entity + "*." + (format == Contract.Format.JSONL ? "jsonl" : format.name().toLowerCase(Locale.ROOT)));
        }
        final Object rawColumns = doc.get("columns");
        if (!(rawColumns instanceof List<?> columnList) || columnList.isEmpty()) {
            throw new ContractException("contract " + path + " has no columns: add a 'columns:' list");
        }
        final List<ContractColumn> columns = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final Map<String, String> headerOwners = new HashMap<>();
        for (int i = 0; i < columnList.size(); i++) {
            if (!(columnList.get(i) instanceof Map)) {
                throw new ContractException("contract " + path + ": every column must be a mapping with at least name and type");
            }
            final ContractColumn c = parseColumn(f, path, source, f.mapping(columnList.get(i), "columns[" + i + "]"), i);
            if (!names.add(c.name())) {
                throw new ContractException("contract " + path + ": column " + c.name() + " is listed twice");
            }
            for (final String h : c.headerNames()) {
                final String prev = headerOwners.put(Contract.normalizeHeader(h), c.name());
                if (prev != null && !prev.equals(c.name())) {
                    throw new ContractException("contract " + path + ": header '" + h + "' is claimed by both "
                            + prev + " and " + c.name());
                }
            }
            columns.add(c);
        }
        final List<String> key = f.stringList(doc, "business_key", "business_key", false);
        if (key.isEmpty()) {
            throw new ContractException("contract " + path + " has no business_key: name the column(s) that identify a row");
        }
        for (final String k : key) {
            if (!names.contains(k)) {
                throw new ContractException("contract " + path + ": business_key column " + k + " is not a column");
            }
        }
        final String delimiter = stringOr(doc, "delimiter", ",");
        if (delimiter.length() != 1 && !Contract.WHITESPACE.equals(delimiter)) {
            throw new ContractException("contract " + path + ": delimiter '" + delimiter + "' must be one character or '"
                    + Contract.WHITESPACE + "' (fields separated by runs of spaces or tabs)");
        }
        final Object header = doc.getOrDefault("header", Boolean.TRUE);
        if (!(header instanceof Boolean)) {
            throw new ContractException("contract " + path + ": header must be true (the first line names the columns) or false"
                    + " (no header line: the columns come in the contract's order)");
        }
        final String recordNumber = stringOr(doc, "record_number", null);
        if (recordNumber != null) {
            final ContractColumn rn = columns.stream().filter(c -> c.name().equals(recordNumber)).findFirst()
                    .orElseThrow(() -> new ContractException("contract " + path + ": record_number '" + recordNumber
                            + "' must name one of the columns (type long or integer)"));
            if (rn.type().kind() != ColumnType.Kind.LONG && rn.type().kind() != ColumnType.Kind.INTEGER) {
                throw new ContractException("contract " + path + ": record_number column " + recordNumber
                        + " must be of type long or integer");
            }
        }
        if (recordNumber != null && !Contract.WHITESPACE.equals(delimiter)) {
            throw new ContractException("contract " + path + ": record_number is supported for delimiter: whitespace files only");
        }
        if ((Contract.WHITESPACE.equals(delimiter) || !Boolean.TRUE.equals(header) || recordNumber != null)
                && format != Contract.Format.CSV) {
            throw new ContractException("contract " + path + ": delimiter: whitespace, header: false and record_number"
                    + " apply to csv (text) files only");
        }
        final String sheet = stringOr(doc, "sheet", null);
        final Object headerRow = doc.get("header_row");
        if (headerRow != null && !(headerRow instanceof Integer n && n >= 1)) {
            throw new ContractException("contract " + path + ": header_row must be a row number (1 = the sheet's first row), got "
                    + headerRow);
        }
        if ((sheet != null || headerRow != null) && format != Contract.Format.CSV) {
            throw new ContractException("contract " + path + ": sheet and header_row apply to Excel workbooks (.xlsx), which a csv"
                    + " contract reads");
        }
        final java.util.Set<String> refused = new java.util.TreeSet<>();
        if (doc.get("drift") != null) {
            final Map<String, Object> d = f.mapping(doc.get("drift"), "drift");
            f.unknownKeys("drift", d.keySet(), new java.util.HashSet<>(Contract.DRIFT_KINDS));
            for (final Map.Entry<String, Object> e : d.entrySet()) {
                final String rule = String.valueOf(e.getValue());
                if (!rule.equals("load") && !rule.equals("refuse")) {
                    throw new ContractException("contract " + path + ": drift." + e.getKey() + " must be load (record the change and"
                            + " load the file) or refuse (refuse the file whole), got '" + rule + "'");
                }
                if (rule.equals("refuse")) {
                    refused.add(e.getKey());
                }
            }
        }
        return new Contract(source, entity, stringOr(doc, "description", ""), format, encoding,
                delimiter, Boolean.TRUE.equals(doc.get("multiline")), files,
                f.stringList(doc, "date_formats", "date_formats", false), key, columns, path, (Boolean) header, recordNumber,
                sheet, (Integer) headerRow, refused, version(yaml));
    }

    /**
     * The contract's version: the first 12 hex digits of the SHA-256 of its file's text, so a
     * record made against it (a file's schema drift) says which contract it was measured against,
     * and a change to the file is a new version.
     */
    static String version(final String yaml) {
        try {
            final byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ContractColumn parseColumn(final YamlFields<ContractException> f, final String path, final String source,
            final Map<String, Object> m, final int index) {
        final String name = f.requiredString(m, "name", "columns[" + index + "].name");
        final String where = "contract " + path + ", column " + name;
        f.unknownKeys("column " + name, m.keySet(), COLUMN_KEYS);
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new ContractException(where + ": canonical names are lower snake case (a-z, 0-9, _)");
        }
        final ColumnType type;
        try {
            type = ColumnType.parse(stringOr(m, "type", "string"));
        } catch (final IllegalArgumentException e) {
            throw new ContractException(where + ": " + e.getMessage());
        }
        final Map<String, String> valueMap = new LinkedHashMap<>();
        final Object vm = m.get("value_map");
        if (vm instanceof Map<?, ?> map) {
            map.forEach((k, v) -> valueMap.put(String.valueOf(k), String.valueOf(v)));
        } else if (vm != null) {
            throw new ContractException(where + ": value_map must be a mapping of 'found: canonical'");
        }
        final List<String> accepted = f.stringList(m, "accepted_values", "column " + name + ", accepted_values", false);
        final BigDecimal min = decimalOrNull(where, m.get("min"));
        final BigDecimal max = decimalOrNull(where, m.get("max"));
        if ((min != null || max != null) && !type.isNumeric()) {
            throw new ContractException(where + ": min/max apply to integer, long and decimal columns only");
        }
        final List<String> formats = f.stringList(m, "formats", "column " + name + ", formats", false);
        if (!formats.isEmpty() && !type.isTemporal()) {
            throw new ContractException(where + ": formats apply to date and timestamp columns only");
        }
        Reference ref = null;
        if (m.get("references") != null) {
            try {
                ref = Reference.parse(String.valueOf(m.get("references")), source);
            } catch (final IllegalArgumentException e) {
                throw new ContractException(where + ": " + e.getMessage());
            }
        }
        final List<String> aliases = f.stringList(m, "aliases", "column " + name + ", aliases", false);
        final Map<String, BigDecimal> headerScale = headerScale(where, name, type, aliases, m.get("header_scale"));
        ContractColumn.ByName byName = null;
        if (m.get("by_name") != null) {
            final Map<String, Object> b = f.mapping(m.get("by_name"), "column " + name + ", by_name");
            f.unknownKeys("column " + name + ", by_name", b.keySet(), Set.of("column", "match", "as_of", "valid_from", "valid_to"));
            if (ref == null) {
                throw new ContractException(where + ": by_name fills a reference from a name; the column needs references:");
            }
            final String match = f.requiredString(b, "match", "column " + name + ", by_name.match");
            byName = new ContractColumn.ByName(f.requiredString(b, "column", "column " + name + ", by_name.column"), match,
                    stringOr(b, "as_of", null), stringOr(b, "valid_from", null), stringOr(b, "valid_to", null));
        }
        return new ContractColumn(name, type, Boolean.TRUE.equals(m.get("required")), aliases,
                formats, valueMap, accepted, min, max, ref, stringOr(m, "description", ""), headerScale, byName);
    }

    /**
     * A numeric column's {@code header_scale}: header to the factor its values are multiplied by (an
     * export's {@code 年营业额(万元)} is in ten-thousands of yuan: 10000). Every header must be one of the
     * column's, every factor positive; a numeric column header naming a unit (万元, 千元, 亿元, ...) must
     * have one, so an amount never loads 10,000 times too small.
     */
    private static Map<String, BigDecimal> headerScale(final String where, final String name, final ColumnType type,
            final List<String> aliases, final Object block) {
        final Map<String, BigDecimal> out = new LinkedHashMap<>();
        final List<String> headers = new java.util.ArrayList<>(aliases);
        headers.add(0, name);
        if (block instanceof Map<?, ?> map) {
            if (!type.isNumeric()) {
                throw new ContractException(where + ": header_scale applies to integer, long and decimal columns only");
            }
            for (final Map.Entry<?, ?> e : map.entrySet()) {
                final String h = String.valueOf(e.getKey());
                if (headers.stream().noneMatch(x -> Contract.normalizeHeader(x).equals(Contract.normalizeHeader(h)))) {
                    throw new ContractException(where + ": header_scale names '" + h + "', which is not one of the column's"
                            + " headers " + headers + " (add it to aliases)");
                }
                final BigDecimal factor = decimalOrNull(where + ", header_scale '" + h + "'", e.getValue());
                if (factor == null || factor.signum() <= 0) {
                    throw new ContractException(where + ": header_scale '" + h + "' must be a positive number, got " + e.getValue());
                }
                out.put(h, factor);
            }
        } else if (block != null) {
            throw new ContractException(where + ": header_scale must be a mapping of 'header: factor', e.g. {\"年营业额(万元)\": 10000}");
        }
        if (type.isNumeric()) {
            for (final String h : headers) {
                final java.util.regex.Matcher unit = UNIT_IN_HEADER.matcher(h);
                final boolean declared = out.keySet().stream().anyMatch(k -> Contract.normalizeHeader(k).equals(Contract.normalizeHeader(h)));
                if (unit.matches() && !declared) {
                    throw new ContractException(where + ": header '" + h + "' gives its values in " + unit.group(1)
                            + "; declare the factor that brings them to the column's unit, e.g. header_scale: {\"" + h + "\": "
                            + factorOf(unit.group(1)) + "}");
                }
            }
        }
        return out;
    }

    private static String factorOf(final String unit) {
        return switch (unit) {
            case "千元", "千" -> "1000";
            case "万元", "万" -> "10000";
            case "百万元", "百万" -> "1000000";
            default -> "100000000";
        };
    }

    private void checkReferences() {
        for (final Contract c : byName.values()) {
            for (final ContractColumn col : c.columns()) {
                final Reference r = col.references();
                if (r == null) {
                    continue;
                }
                final Contract target = byName.get(r.qualifiedEntity());
                if (target == null || target.column(r.column()).isEmpty()) {
                    throw new ContractException("contract " + c.origin() + ", column " + col.name() + " references "
                            + r + ", which is not a contract column");
                }
                final ContractColumn.ByName n = col.byName();
                if (n != null) {
                    final String where = "contract " + c.origin() + ", column " + col.name() + ", by_name: ";
                    if (c.column(n.column()).isEmpty()) {
                        throw new ContractException(where + "column " + n.column() + " is not a column of this contract");
                    }
                    if (n.asOf() != null && !c.column(n.asOf()).map(x -> x.type().isTemporal()).orElse(false)) {
                        throw new ContractException(where + "as_of " + n.asOf() + " must be a date or timestamp column of this contract");
                    }
                    for (final String t : java.util.Arrays.asList(n.match(), n.validFrom(), n.validTo())) {
                        if (t != null && target.column(t).isEmpty()) {
                            throw new ContractException(where + t + " is not a column of " + target.qualifiedName());
                        }
                    }
                }
            }
        }
        dependencyOrder(byName.values());
    }

    /**
     * Contracts ordered so that every entity comes after the entities it references (self
     * references excepted), so a batch's references can be checked against rows already loaded.
     */
    public static List<Contract> dependencyOrder(final Collection<Contract> contracts) {
        final List<Contract> byName = contracts.stream().sorted(Comparator.comparing(Contract::qualifiedName)).toList();
        return DependencyOrder.sort(byName, Contract::qualifiedName,
                c -> c.columns().stream().filter(col -> col.references() != null).map(col -> col.references().qualifiedEntity()).toList(),
                cycle -> new ContractException("contracts reference each other in a cycle: " + String.join(" -> ", cycle)));
    }

    /** All contracts, in dependency order. */
    public List<Contract> all() {
        return dependencyOrder(byName.values());
    }

    /** Contracts of one source, in dependency order. */
    public List<Contract> ofSource(final String source) {
        return all().stream().filter(c -> c.source().equals(source)).collect(Collectors.toList());
    }

    public Set<String> sources() {
        return byName.values().stream().map(Contract::source).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** The contract named {@code source.entity}, or a clear error listing the known ones. */
    public Contract get(final String qualifiedName) {
        final Contract c = byName.get(qualifiedName);
        if (c == null) {
            throw new ContractException("unknown source entity '" + qualifiedName + "'; known: "
                    + String.join(", ", byName.keySet()));
        }
        return c;
    }

    public boolean contains(final String qualifiedName) {
        return byName.containsKey(qualifiedName);
    }

    /** The contract whose bronze table has this name, if any. */
    public java.util.Optional<Contract> byBronzeTable(final String table) {
        return byName.values().stream().filter(c -> c.bronzeTable().equals(table)).findFirst();
    }

    // ---- small helpers ----------------------------------------------------------------------

    private static void checkName(final String path, final String field, final String value) {
        if (!value.matches("[a-z][a-z0-9_]*")) {
            throw new ContractException("contract " + path + ": " + field + " '" + value + "' must be lower snake case");
        }
    }

    private static String stringOr(final Map<String, Object> m, final String key, final String fallback) {
        final Object v = m.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static BigDecimal decimalOrNull(final String where, final Object v) {
        if (v == null) {
            return null;
        }
        try {
            return new BigDecimal(String.valueOf(v));
        } catch (final NumberFormatException e) {
            throw new ContractException(where + ": '" + v + "' is not a number");
        }
    }
}

package io.kamwarehouse.contracts;

import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The contract of one source entity ({@code schemas/sources/<source>/<entity>.yaml}): how its
 * files are parsed, what columns they must have and which rows are valid.
 */
public record Contract(
        String source,
        String entity,
        String description,
        Format format,
        String encoding,
        String delimiter,
        boolean multiline,
        List<String> files,
        List<String> dateFormats,
        List<String> businessKey,
        List<ContractColumn> columns,
        String origin,
        boolean header,
        String recordNumber,
        String sheet,
        Integer headerRow,
        Set<String> driftRefused,
        String version) {

    /** Kinds of drift a contract can refuse ({@code drift:}): a column it does not know, an optional one missing, a changed type. */
    public static final List<String> DRIFT_KINDS = List.of("extra", "missing", "type");

    /** The {@code delimiter:} of text files whose fields are separated by runs of spaces or tabs. */
    public static final String WHITESPACE = "whitespace";

    /** File formats an extract can arrive in. */
    public enum Format { CSV, JSONL, PARQUET }

    /** True for an Excel workbook (.xlsx), which a csv contract reads as well as its text files. */
    public static boolean isExcel(final String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".xlsx");
    }

    public Contract {
        files = List.copyOf(files);
        dateFormats = List.copyOf(dateFormats);
        businessKey = List.copyOf(businessKey);
        columns = List.copyOf(columns);
        driftRefused = Set.copyOf(driftRefused);
    }

    /** {@code source.entity}, e.g. {@code crm.accounts}. */
    public String qualifiedName() {
        return source + "." + entity;
    }

    /** The bronze table this contract feeds, e.g. {@code raw_crm__accounts}. */
    public String bronzeTable() {
        return "raw_" + source + "__" + entity;
    }

    public Optional<ContractColumn> column(final String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** True when a file name matches one of the contract's {@code files} globs. */
    public boolean matchesFileName(final String fileName) {
        for (final String glob : files) {
            final PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            if (matcher.matches(Paths.get(fileName))) {
                return true;
            }
        }
        return false;
    }

    /** True when fields are separated by runs of blanks ({@code delimiter: whitespace}), not by one character. */
    public boolean whitespaceDelimited() {
        return WHITESPACE.equals(delimiter);
    }

    /**
     * The columns a file carries, in order, for a file without a header line ({@code header: false}):
     * the contract's columns but the record number.
     */
    public List<String> positionalHeader() {
        return columns.stream().map(ContractColumn::name).filter(n -> !n.equals(recordNumber)).toList();
    }

    /** Date or timestamp patterns for a column: its own, else the contract's, else ISO. */
    public List<String> formatsFor(final ContractColumn column) {
        if (!column.formats().isEmpty()) {
            return column.formats();
        }
        if (!dateFormats.isEmpty()) {
            return dateFormats;
        }
        return column.type().kind() == ColumnType.Kind.TIMESTAMP
                ? List.of("yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss")
                : List.of("yyyy-MM-dd");
    }

    /** Normalises a header for matching: BOM, case, surrounding blanks, and space/hyphen/underscore runs. */
    public static String normalizeHeader(final String header) {
        String h = header == null ? "" : header;
        if (!h.isEmpty() && h.charAt(0) == '\uFEFF') {
            h = h.substring(1);
        }
        return h.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_\\-]+", "_");
    }

    /**
     * Maps a file's header to contract columns. The result holds, for each header position, the
     * contract column it means (or null for a column the contract does not know).
     */
    public HeaderMapping mapHeader(final List<String> header) {
        final Map<String, ContractColumn> byName = new LinkedHashMap<>();
        for (final ContractColumn c : columns) {
            if (c.name().equals(recordNumber)) {
                continue;
            }
            for (final String n : c.headerNames()) {
                byName.putIfAbsent(normalizeHeader(n), c);
            }
        }
        final List<ContractColumn> positions = new ArrayList<>();
        final Map<String, Integer> seen = new LinkedHashMap<>();
        final List<String> duplicates = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            final ContractColumn c = byName.get(normalizeHeader(header.get(i)));
            if (c != null && seen.containsKey(c.name())) {
                duplicates.add("'" + header.get(i) + "' and '" + header.get(seen.get(c.name())) + "' both mean " + c.name());
                positions.add(null);
                continue;
            }
            if (c != null) {
                seen.put(c.name(), i);
            }
            positions.add(c);
        }
        final List<ContractColumn> missingRequired = new ArrayList<>();
        final List<ContractColumn> missingOptional = new ArrayList<>();
        final List<ContractColumn> filledByName = new ArrayList<>();
        for (final ContractColumn c : columns) {
            if (!seen.containsKey(c.name()) && !c.name().equals(recordNumber)) {
                // a reference given by name instead (负责人 without 负责人工号) is not missing: it is filled from the name
                if (c.byName() != null && seen.containsKey(c.byName().column())) {
                    filledByName.add(c);
                } else {
                    (c.required() ? missingRequired : missingOptional).add(c);
                }
            }
        }
        return new HeaderMapping(List.copyOf(header), positions, missingRequired, missingOptional, duplicates, filledByName);
    }

    /** How a file's header lines up with this contract. */
    public record HeaderMapping(List<String> header, List<ContractColumn> positions,
            List<ContractColumn> missingRequired, List<ContractColumn> missingOptional, List<String> duplicates,
            List<ContractColumn> filledByName) {

        /** Columns the file does not carry: the optional ones missing, and the references it gives by name. */
        public List<ContractColumn> absent() {
            final List<ContractColumn> out = new ArrayList<>(missingOptional);
            out.addAll(filledByName);
            return out;
        }

        /** Number of contract columns found in the header. */
        public long matchedColumns() {
            return positions.stream().filter(java.util.Objects::nonNull).count();
        }

        /**
         * The factor each numeric column's values are multiplied by, for the header it was found under
         * (the contract's header_scale), where it is not 1.
         */
        public Map<String, java.math.BigDecimal> scales() {
            final Map<String, java.math.BigDecimal> out = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                final ContractColumn c = positions.get(i);
                final java.math.BigDecimal scale = c == null ? java.math.BigDecimal.ONE : c.scaleFor(header.get(i));
                if (scale.compareTo(java.math.BigDecimal.ONE) != 0) {
                    out.put(c.name(), scale);
                }
            }
            return out;
        }

        /** Headers the contract does not know. */
        public List<String> unknownHeaders() {
            final List<String> unknown = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                if (positions.get(i) == null) {
                    unknown.add(header.get(i));
                }
            }
            return unknown;
        }

        /** "account_id (headers: account_id, 客户编号, Id)" for each missing required column. */
        public String describeMissingRequired() {
            final List<String> parts = new ArrayList<>();
            for (final ContractColumn c : missingRequired) {
                parts.add(c.name() + " (header " + String.join(" or ", c.headerNames()) + ")");
            }
            return String.join(", ", parts);
        }
    }
}

package io.kamwarehouse.contracts;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** One column of a source contract: its canonical name, type, rules and the headers that mean it. */
public record ContractColumn(
        String name,
        ColumnType type,
        boolean required,
        List<String> aliases,
        List<String> formats,
        Map<String, String> valueMap,
        List<String> acceptedValues,
        BigDecimal min,
        BigDecimal max,
        Reference references,
        String description,
        Map<String, BigDecimal> headerScale,
        ByName byName) {

    /**
     * How a reference column is filled from a display name when an export gives the name, not the id
     * ({@code 负责人: 张伟} rather than {@code 负责人工号: E001}): {@code column} of this contract holds the
     * name, {@code match} the referenced entity's name column; the candidates are the referenced
     * entity's rows valid at the row's {@code asOf} date column (else the drop date), between its
     * {@code validFrom} and {@code validTo} date columns when given (hire and termination dates).
     */
    public record ByName(String column, String match, String asOf, String validFrom, String validTo) {
    }

    public ContractColumn {
        aliases = List.copyOf(aliases);
        headerScale = Map.copyOf(headerScale);
        formats = List.copyOf(formats);
        valueMap = Map.copyOf(valueMap);
        acceptedValues = List.copyOf(acceptedValues);
    }

    /**
     * What a value found under {@code header} is multiplied by to load in the column's unit: the
     * contract's {@code header_scale} for that header (e.g. 10000 for {@code 年营业额(万元)}, an amount
     * in ten-thousands of yuan), else 1.
     */
    public BigDecimal scaleFor(final String header) {
        final String h = Contract.normalizeHeader(header);
        for (final Map.Entry<String, BigDecimal> e : headerScale.entrySet()) {
            if (Contract.normalizeHeader(e.getKey()).equals(h)) {
                return e.getValue();
            }
        }
        return BigDecimal.ONE;
    }

    /** Every header this column accepts: the canonical name first, then the aliases. */
    public List<String> headerNames() {
        final java.util.ArrayList<String> names = new java.util.ArrayList<>();
        names.add(name);
        names.addAll(aliases);
        return names;
    }
}

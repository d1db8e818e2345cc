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
        String description) {

    public ContractColumn {
        aliases = List.copyOf(aliases);
        formats = List.copyOf(formats);
        valueMap = Map.copyOf(valueMap);
        acceptedValues = List.copyOf(acceptedValues);
    }

    /** Every header this column accepts: the canonical name first, then the aliases. */
    public List<String> headerNames() {
        final java.util.ArrayList<String> names = new java.util.ArrayList<>();
        names.add(name);
        names.addAll(aliases);
        return names;
    }
}

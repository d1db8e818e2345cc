package io.kamwarehouse.generate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What was written for one entity of one drop.
 *
 * @param source        crm, finance or survey
 * @param entity        the entity (contract file name without .yaml)
 * @param files         the data files written, in order
 * @param rows          data rows written, defective rows included
 * @param defectsByRule injected defective rows per quarantine rule (each defective row breaks exactly one rule)
 */
public record EntityReport(String source, String entity, List<Path> files, long rows, Map<String, Long> defectsByRule) {

    public EntityReport {
        files = List.copyOf(files);
        defectsByRule = java.util.Collections.unmodifiableMap(new TreeMap<>(defectsByRule));
    }

    /** Total injected defective rows. */
    public long defectRows() {
        long total = 0;
        for (final long count : defectsByRule.values()) {
            total += count;
        }
        return total;
    }
}

package io.kamwarehouse.generate;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * What one generator run wrote.
 *
 * @param dropDate   the drop folder date ({@code <landing>/<source>/<dropDate>/})
 * @param entities   one report per entity written, in writing order (crm, finance, survey)
 * @param totalRows  data rows over all entities (defective rows included, headers excluded)
 * @param totalBytes bytes of the data files (manifests excluded)
 * @param elapsed    wall time of the run
 */
public record GenerationReport(LocalDate dropDate, List<EntityReport> entities, long totalRows, long totalBytes,
        Duration elapsed) {

    public GenerationReport {
        entities = List.copyOf(entities);
    }

    /** The report of one entity, or null when it was not written in this drop. */
    public EntityReport entity(final String source, final String entity) {
        for (final EntityReport report : entities) {
            if (report.source().equals(source) && report.entity().equals(entity)) {
                return report;
            }
        }
        return null;
    }
}

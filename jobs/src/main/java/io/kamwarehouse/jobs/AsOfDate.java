package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.split;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.ingest.IngestedFiles;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.SpecLayout;
import io.kamwarehouse.spec.SqlText;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The as-of date of a run: the last day the warehouse's data is taken to cover, the built-in var
 * {@code ${as_of_date}} of every query that uses it. Decided here and nowhere else:
 * <ol>
 * <li>the date given: Spark conf {@value #CONF} ({@code --conf kamw.asOfDate=2026-09-30}, which
 * {@code run} and {@code pipeline --date D} set to D), or the var override
 * {@code --conf kamw.var.as_of_date=...}; given both, they must agree;</li>
 * <li>else the day before the latest drop the warehouse has ingested (the largest
 * {@code drop_date} of {@code ingested_files}: a drop holds the data up to the day before it); the
 * public example data sets ({@code schemas/examples/}) do not count, so loading one with
 * {@code ingest --path} today does not move the product's tables to today;</li>
 * <li>else, nothing ingested and no date given, an error that says what to do.</li>
 * </ol>
 * The latest drop is read from the small {@code ingested_files} meta table, once per version of it.
 */
public final class AsOfDate {

    /** Spark conf giving the as-of date ({@code yyyy-MM-dd}). */
    public static final String CONF = "kamw.asOfDate";
    /** The var override of the same date, as for any var. */
    public static final String VAR_CONF = SqlText.VAR_CONF_PREFIX + SqlText.AS_OF_DATE;

    /** Latest drop date per ingested_files location and version (a run reads it once). */
    private static final Map<String, Latest> LATEST = new ConcurrentHashMap<>();

    private record Latest(long version, Optional<LocalDate> dropDate) {
    }

    private AsOfDate() {
    }

    /** The as-of date for a build in this warehouse, from its session's conf and its ingested files. */
    public static LocalDate of(final Warehouse wh) {
        return decide(CollectionConverters.asJava(wh.spark().conf().getAll()), () -> latestDrop(wh), wh.root());
    }

    /**
     * The as-of date from the settings ({@value #CONF}, {@code kamw.var.as_of_date}) or else the day
     * before the latest drop (asked for only then); {@code where} names the warehouse in the error.
     */
    static LocalDate decide(final Map<String, String> conf, final Supplier<Optional<LocalDate>> latestDrop, final String where) {
        final LocalDate given = parse(conf, CONF);
        final LocalDate var = parse(conf, VAR_CONF);
        if (given != null && var != null && !given.equals(var)) {
            throw new KamwException("two as-of dates given: " + CONF + "=" + given + " and " + VAR_CONF + "=" + var
                    + "; give one");
        }
        if (given != null || var != null) {
            return given != null ? given : var;
        }
        return latestDrop.get().map(d -> d.minusDays(1)).orElseThrow(() -> new KamwException(
                "no as-of date: nothing has been ingested into " + where + " yet and " + CONF + " is not set; "
                        + "ingest a drop first ('kamw ingest'), or give the date with --conf " + CONF + "=YYYY-MM-DD"));
    }

    private static LocalDate parse(final Map<String, String> conf, final String key) {
        final String v = conf.get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(v.trim());
        } catch (final DateTimeParseException e) {
            throw new KamwException(key + " '" + v.trim() + "' is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30");
        }
    }

    /** The latest drop date the warehouse has ingested, or empty when it has ingested nothing. */
    static Optional<LocalDate> latestDrop(final Warehouse wh) {
        final long version = wh.version(IngestedFiles.TABLE);
        if (version < 0) {
            return Optional.empty();
        }
        final String path = wh.tablePath(IngestedFiles.TABLE);
        final Latest known = LATEST.get(path);
        if (known != null && known.version() == version) {
            return known.dropDate();
        }
        final Set<String> examples = SpecLayout.examples(SchemaFiles.load(wh.config().schemasDir()));
        final Row r = wh.readVersion(IngestedFiles.TABLE, version)
                .filter(functions.not(split(col("entity"), "\\.").getItem(0).isin(examples.toArray())))
                .agg(max("drop_date")).first();
        final Optional<LocalDate> drop = r.isNullAt(0) ? Optional.empty() : Optional.of(r.getDate(0).toLocalDate());
        LATEST.put(path, new Latest(version, drop));
        return drop;
    }
}

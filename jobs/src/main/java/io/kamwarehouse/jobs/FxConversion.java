package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.spec.MoneyColumn;

/**
 * Converts amounts to the reporting currency with the rate of the day, or the latest earlier rate
 * (an as-of lookup), from bronze FX rates ({@code rate_date, from_currency, to_currency, rate}: one
 * unit of from_currency in to_currency; the latest delivery of a rate wins). A rate into the
 * reporting currency is used as is; where only the opposite direction is known, its inverse. The
 * reporting currency converts at 1; an amount with no rate on or before its date (or no date or
 * currency) converts to null.
 *
 * <p>Rates are few (one per currency and day), so they are read once and turned on the driver
 * into a calendar: every day from a currency's first to its last rate carries the latest rate
 * known that day, and dates after the last rate look up the last day. The lookup is then one
 * broadcast equi-join with that small local table: no shuffle of the converted table.
 */
final class FxConversion {

    /** Type of rates inside the conversion: room for inverses without losing precision. */
    static final DataType RATE_TYPE = DataTypes.createDecimalType(24, 12);
    /** Type of converted amounts. */
    static final DataType AMOUNT_TYPE = DataTypes.createDecimalType(18, 2);

    private static final StructType CALENDAR = new StructType().add("currency", DataTypes.StringType)
            .add("day", DataTypes.DateType).add("rate", RATE_TYPE);

    private final String reporting;
    private final Map<String, LocalDate> lastDay;
    private final Dataset<Row> calendar;

    private FxConversion(final String reporting, final Map<String, LocalDate> lastDay, final Dataset<Row> calendar) {
        this.reporting = reporting;
        this.lastDay = lastDay;
        this.calendar = calendar;
    }

    /** The columns of bronze FX rows this class reads, in this order. */
    static final String[] COLUMNS = {"rate_date", "from_currency", "to_currency", "rate", "_ingested_at", "_drop_date", "_batch_id"};

    /** Reads the rows of a bronze FX table that conversions need (all of them: one per currency pair and day). */
    static List<Row> collect(final Dataset<Row> fxBronze) {
        return fxBronze.select(COLUMNS[0], java.util.Arrays.copyOfRange(COLUMNS, 1, COLUMNS.length)).collectAsList();
    }

    /** Rates from bronze FX rows read by {@link #collect} (none: only the reporting currency converts). */
    static FxConversion of(final SparkSession spark, final List<Row> fxRows, final String reporting) {
        final Map<String, TreeMap<LocalDate, BigDecimal>> rates = rates(fxRows, reporting);
        final List<Row> days = new ArrayList<>();
        final Map<String, LocalDate> lastDay = new TreeMap<>();
        rates.forEach((currency, byDay) -> {
            BigDecimal rate = null;
            for (LocalDate d = byDay.firstKey(); !d.isAfter(byDay.lastKey()); d = d.plusDays(1)) {
                rate = byDay.getOrDefault(d, rate);
                days.add(RowFactory.create(currency, Date.valueOf(d), rate));
            }
            lastDay.put(currency, byDay.lastKey());
        });
        return new FxConversion(reporting, lastDay, spark.createDataFrame(days, CALENDAR));
    }

    /** Currency to day to the rate into the reporting currency: the latest delivery, direct before inverse. */
    static Map<String, TreeMap<LocalDate, BigDecimal>> rates(final List<Row> fxRows, final String reporting) {
        final Map<List<Object>, Row> latest = new HashMap<>();
        for (final Row r : fxRows) {
            if (r.isNullAt(0) || r.isNullAt(1) || r.isNullAt(2) || r.isNullAt(3)) {
                continue;
            }
            latest.merge(List.of(r.get(0), r.get(1), r.get(2)), r, (a, b) -> newer(b, a) ? b : a);
        }
        final Map<String, TreeMap<LocalDate, BigDecimal>> direct = new TreeMap<>();
        final Map<String, TreeMap<LocalDate, BigDecimal>> inverse = new TreeMap<>();
        for (final Row r : latest.values()) {
            final LocalDate day = r.getDate(0).toLocalDate();
            final String from = r.getString(1);
            final String to = r.getString(2);
            final BigDecimal rate = r.getDecimal(3);
            if (to.equals(reporting) && !from.equals(reporting)) {
                direct.computeIfAbsent(from, k -> new TreeMap<>()).put(day, rate);
            } else if (from.equals(reporting) && !to.equals(reporting) && rate.signum() > 0) {
                inverse.computeIfAbsent(to, k -> new TreeMap<>()).put(day, BigDecimal.ONE.divide(rate, 12, RoundingMode.HALF_UP));
            }
        }
        final Map<String, TreeMap<LocalDate, BigDecimal>> out = new TreeMap<>();
        inverse.forEach((c, m) -> out.computeIfAbsent(c, k -> new TreeMap<>()).putAll(m));
        direct.forEach((c, m) -> out.computeIfAbsent(c, k -> new TreeMap<>()).putAll(m));
        return out;
    }

    private static boolean newer(final Row a, final Row b) {
        final int byIngest = compare(a.isNullAt(4) ? null : a.getTimestamp(4), b.isNullAt(4) ? null : b.getTimestamp(4));
        if (byIngest != 0) {
            return byIngest > 0;
        }
        return compare(a.isNullAt(5) ? null : a.getDate(5), b.isNullAt(5) ? null : b.getDate(5)) > 0;
    }

    private static <T extends Comparable<? super T>> int compare(final T a, final T b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }

    /** Adds {@code <amount>_rpt} for every money column; one lookup per distinct (currency, date) pair. */
    Dataset<Row> apply(final Dataset<Row> input, final List<MoneyColumn> money) {
        Dataset<Row> df = input;
        final Map<String, String> rateColumnOf = new LinkedHashMap<>();
        final List<String> temporary = new ArrayList<>();
        for (final MoneyColumn m : money) {
            final String pair = m.currency() + "\u0000" + m.date();
            if (rateColumnOf.containsKey(pair)) {
                continue;
            }
            final int j = rateColumnOf.size();
            final String cur = "_fx_cur_" + j;
            final String day = "_fx_day_" + j;
            final String look = "_fx_look_" + j;
            final String ccur = "_fx_ccur_" + j;
            final String cday = "_fx_cday_" + j;
            final String crate = "_fx_crate_" + j;
            final String rate = "_fx_rate_" + j;
            temporary.addAll(List.of(cur, day, look, ccur, cday, crate, rate));
            df = df.withColumn(cur, expr(m.currency()).cast(DataTypes.StringType))
                    .withColumn(day, expr(m.date()).cast(DataTypes.DateType));
            // After a currency's last rate, look up its last day.
            Column lookup = col(day);
            for (final Map.Entry<String, LocalDate> e : lastDay.entrySet()) {
                lookup = when(col(cur).equalTo(e.getKey()), least(col(day), lit(Date.valueOf(e.getValue())))).otherwise(lookup);
            }
            df = df.withColumn(look, lookup);
            df = df.join(broadcast(calendar.select(col("currency").as(ccur), col("day").as(cday), col("rate").as(crate))),
                    col(cur).equalTo(col(ccur)).and(col(look).equalTo(col(cday))), "left");
            df = df.withColumn(rate, when(col(cur).equalTo(reporting), lit(BigDecimal.ONE).cast(RATE_TYPE))
                    .otherwise(col(crate)));
            rateColumnOf.put(pair, rate);
        }
        for (final MoneyColumn m : money) {
            final Column converted = col("`" + m.amount() + "`").multiply(col(rateColumnOf.get(m.currency() + "\u0000" + m.date())));
            df = df.withColumn(m.output(), converted.try_cast(AMOUNT_TYPE));
        }
        return df.drop(temporary.toArray(new String[0]));
    }
}

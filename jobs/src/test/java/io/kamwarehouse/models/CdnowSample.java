package io.kamwarehouse.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kamwarehouse.testing.ExternalData;

/**
 * Builds the per-customer calibration summary of the CDNOW 1/10 sample from the raw transaction file
 * {@code cdnow/CDNOW_sample.txt} (no header; master id, sample id, yyyymmdd, number of CDs, dollars).
 * Transactions on the same day are one transaction (values summed); the first purchase day is the customer's
 * birth; calibration ends 1997-09-30 inclusive; times are in weeks (days / 7).
 */
final class CdnowSample {

    static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);
    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;

    /**
     * @param id        sample id (the ID column of {@code cdnow_customers_summary.csv})
     * @param frequency repeat purchase days in calibration
     * @param recency   last calibration purchase minus first, weeks
     * @param T         calibration end minus first purchase, weeks
     * @param monetary  mean value of the repeat purchase days in calibration (0 when frequency is 0)
     */
    record Customer(int id, double frequency, double recency, double T, double monetary) {
    }

    private CdnowSample() {
    }

    /** The sample's customers ordered by sample id, or a skipped test when the external data is absent. */
    static List<Customer> load() throws IOException {
        final Path file = ExternalData.resolve("cdnow/CDNOW_sample.txt");
        final Map<Integer, TreeMap<LocalDate, Double>> days = new TreeMap<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            final String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            final String[] f = trimmed.split("\\s+");
            if (f.length != 5) {
                throw new IOException("unexpected CDNOW_sample line: " + line);
            }
            final int sampleId = Integer.parseInt(f[1]);
            final LocalDate date = LocalDate.parse(f[2], YYYYMMDD);
            final double dollars = Double.parseDouble(f[4]);
            days.computeIfAbsent(sampleId, k -> new TreeMap<>()).merge(date, dollars, Double::sum);
        }
        final List<Customer> customers = new ArrayList<>(days.size());
        for (final Map.Entry<Integer, TreeMap<LocalDate, Double>> e : days.entrySet()) {
            final TreeMap<LocalDate, Double> calibration = new TreeMap<>(e.getValue().headMap(CALIBRATION_END, true));
            final LocalDate first = calibration.firstKey();
            final LocalDate last = calibration.lastKey();
            final int frequency = calibration.size() - 1;
            double repeatValue = 0;
            for (final Map.Entry<LocalDate, Double> d : calibration.tailMap(first, false).entrySet()) {
                repeatValue += d.getValue();
            }
            customers.add(new Customer(e.getKey(), frequency, ChronoUnit.DAYS.between(first, last) / 7.0,
                    ChronoUnit.DAYS.between(first, CALIBRATION_END) / 7.0,
                    frequency == 0 ? 0.0 : repeatValue / frequency));
        }
        return customers;
    }

    /** Rows of {@code cdnow/cdnow_customers_summary.csv}: ID, frequency, recency, T. */
    static Map<Integer, double[]> publishedSummary() throws IOException {
        final Path file = ExternalData.resolve("cdnow/cdnow_customers_summary.csv");
        final Map<Integer, double[]> rows = new TreeMap<>();
        final List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        for (final String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            final String[] f = line.trim().split(",");
            rows.put(Integer.parseInt(f[0]), new double[] {
                Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])});
        }
        return rows;
    }

    static double[] column(final List<Customer> customers, final java.util.function.ToDoubleFunction<Customer> f) {
        return customers.stream().mapToDouble(f).toArray();
    }
}

package io.kamwarehouse.generate;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Options of the sample-extract generator.
 *
 * @param scale      volume multiplier: 1.0 is a demo (~300 accounts, ~100 employees, >= 100,000 activities
 *                   over 3 years); everything except the product catalogue and the FX calendar grows linearly
 * @param seed       seed of every random choice: the same options give byte-identical files
 * @param historyEnd last day of history in the full drop (the full drop is dated the day after)
 * @param years      years of history ending at {@code historyEnd} (1..10)
 */
public record GeneratorOptions(double scale, long seed, LocalDate historyEnd, int years) {

    public static final double DEFAULT_SCALE = 1.0;
    public static final long DEFAULT_SEED = 42L;
    public static final LocalDate DEFAULT_HISTORY_END = LocalDate.of(2026, 9, 30);
    public static final int DEFAULT_YEARS = 3;

    public GeneratorOptions {
        Objects.requireNonNull(historyEnd, "historyEnd must not be null");
        if (Double.isNaN(scale) || Double.isInfinite(scale) || scale < 0.01) {
            throw new IllegalArgumentException("scale must be a number >= 0.01 (1.0 = demo volume), got " + scale);
        }
        if (years < 1 || years > 10) {
            throw new IllegalArgumentException("years of history must be between 1 and 10, got " + years);
        }
        if (historyEnd.getYear() < 2000 || historyEnd.getYear() > 2090) {
            throw new IllegalArgumentException("historyEnd must lie between the years 2000 and 2090, got " + historyEnd);
        }
    }

    /** scale 1.0, seed 42, history ending 2026-09-30, 3 years. */
    public static GeneratorOptions defaults() {
        return new GeneratorOptions(DEFAULT_SCALE, DEFAULT_SEED, DEFAULT_HISTORY_END, DEFAULT_YEARS);
    }

    public GeneratorOptions withScale(final double newScale) {
        return new GeneratorOptions(newScale, seed, historyEnd, years);
    }

    public GeneratorOptions withSeed(final long newSeed) {
        return new GeneratorOptions(scale, newSeed, historyEnd, years);
    }

    public GeneratorOptions withHistoryEnd(final LocalDate newHistoryEnd) {
        return new GeneratorOptions(scale, seed, newHistoryEnd, years);
    }

    public GeneratorOptions withYears(final int newYears) {
        return new GeneratorOptions(scale, seed, historyEnd, newYears);
    }

    /** First day of history: {@code historyEnd - years + 1 day}. */
    public LocalDate historyStart() {
        return historyEnd.minusYears(years).plusDays(1);
    }

    /** Date of the full (initial) drop: the day after {@code historyEnd}. */
    public LocalDate fullDropDate() {
        return historyEnd.plusDays(1);
    }

    /** Date of increment {@code day} (>= 1): {@code historyEnd + 1 + day}. */
    public LocalDate incrementDropDate(final int day) {
        return historyEnd.plusDays(1L + day);
    }
}

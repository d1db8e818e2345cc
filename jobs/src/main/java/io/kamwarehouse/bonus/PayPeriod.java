package io.kamwarehouse.bonus;

import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kamwarehouse.KamwException;

/** A quarter written {@code YYYY-Qn} ({@code 2026-Q3}): the payroll quarter a bonus run closes. */
public record PayPeriod(int year, int quarter) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{4})-Q([1-4])");

    /** Parses {@code 2026-Q3}; a clear error for anything else. */
    public static PayPeriod parse(final String text) {
        final Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new KamwException("'" + text + "' is not a quarter: write the pay period as YYYY-Qn with n from 1 to 4, e.g. 2026-Q3");
        }
        return new PayPeriod(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public LocalDate start() {
        return LocalDate.of(year, quarter * 3 - 2, 1);
    }

    public LocalDate end() {
        return start().plusMonths(3).minusDays(1);
    }

    @Override
    public String toString() {
        return year + "-Q" + quarter;
    }
}

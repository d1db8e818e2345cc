package io.kamwarehouse.generate;

import java.time.LocalDate;
import java.util.Locale;

/** Fast, allocation-light formatting of dates, timestamps, money and ids (no floating-point money). */
final class Fmt {

    static final long DAY_SECONDS = 86_400L;

    private static final int CACHE_FROM = (int) LocalDate.of(1990, 1, 1).toEpochDay();
    private static final int CACHE_TO = (int) LocalDate.of(2110, 1, 1).toEpochDay();
    private static final String[] ISO = new String[CACHE_TO - CACHE_FROM];

    private Fmt() {
    }

    /** yyyy-MM-dd. */
    static String date(final int epochDay) {
        if (epochDay >= CACHE_FROM && epochDay < CACHE_TO) {
            String s = ISO[epochDay - CACHE_FROM];
            if (s == null) {
                s = LocalDate.ofEpochDay(epochDay).toString();
                ISO[epochDay - CACHE_FROM] = s;
            }
            return s;
        }
        return LocalDate.ofEpochDay(epochDay).toString();
    }

    /** yyyy/MM/dd. */
    static String dateSlash(final int epochDay) {
        return date(epochDay).replace('-', '/');
    }

    /** yyyy-MM. */
    static String month(final int epochDay) {
        return date(epochDay).substring(0, 7);
    }

    /** yyyyMMdd. */
    static String compact(final int epochDay) {
        final String d = date(epochDay);
        return d.substring(0, 4) + d.substring(5, 7) + d.substring(8, 10);
    }

    static int day(final long epochSecond) {
        return (int) Math.floorDiv(epochSecond, DAY_SECONDS);
    }

    private static StringBuilder time(final StringBuilder sb, final long epochSecond) {
        final int sod = (int) Math.floorMod(epochSecond, DAY_SECONDS);
        two(sb, sod / 3600).append(':');
        two(sb, (sod / 60) % 60).append(':');
        return two(sb, sod % 60);
    }

    private static StringBuilder two(final StringBuilder sb, final int v) {
        if (v < 10) {
            sb.append('0');
        }
        return sb.append(v);
    }

    /** Salesforce export style: 2024-03-15T08:12:00.000+0000 (UTC). */
    static String salesforce(final long epochSecond) {
        final StringBuilder sb = new StringBuilder(28).append(date(day(epochSecond))).append('T');
        return time(sb, epochSecond).append(".000+0000").toString();
    }

    /** ISO local: 2024-03-15T08:12:00. */
    static String isoLocal(final long epochSecond) {
        final StringBuilder sb = new StringBuilder(19).append(date(day(epochSecond))).append('T');
        return time(sb, epochSecond).toString();
    }

    /** 2024-03-15 08:12:00. */
    static String spaced(final long epochSecond) {
        final StringBuilder sb = new StringBuilder(19).append(date(day(epochSecond))).append(' ');
        return time(sb, epochSecond).toString();
    }

    /** 2024/03/15 08:12:00. */
    static String slashed(final long epochSecond) {
        final StringBuilder sb = new StringBuilder(19).append(dateSlash(day(epochSecond))).append(' ');
        return time(sb, epochSecond).toString();
    }

    /** Cents as a decimal with exactly two fraction digits: -1234.50, 0.07. */
    static String money(final long cents) {
        final StringBuilder sb = new StringBuilder(16);
        long v = cents;
        if (v < 0) {
            sb.append('-');
            v = -v;
        }
        sb.append(v / 100).append('.');
        final long frac = v % 100;
        if (frac < 10) {
            sb.append('0');
        }
        return sb.append(frac).toString();
    }

    /** A scaled integer (value / 10^decimals) with exactly {@code decimals} fraction digits. */
    static String fixed(final long scaled, final int decimals) {
        final StringBuilder sb = new StringBuilder(20);
        long v = scaled;
        if (v < 0) {
            sb.append('-');
            v = -v;
        }
        long pow = 1;
        for (int i = 0; i < decimals; i++) {
            pow *= 10;
        }
        sb.append(v / pow);
        if (decimals > 0) {
            final String frac = Long.toString(v % pow);
            sb.append('.');
            for (int i = frac.length(); i < decimals; i++) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb.toString();
    }

    /** Zero-padded decimal: pad(42, 6) = 000042 (wider numbers are printed in full). */
    static String pad(final long value, final int width) {
        final String s = Long.toString(value);
        if (s.length() >= width) {
            return s;
        }
        final StringBuilder sb = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s).toString();
    }

    /** 1,234,567. */
    static String count(final long value) {
        return String.format(Locale.US, "%,d", value);
    }

    private static final char[] B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    /** A 15-character Salesforce-style id: key prefix (3 chars) + "5g0000" + base-36 number (6 chars). */
    static String salesforceId(final String keyPrefix, final long number) {
        final char[] digits = new char[6];
        long v = number;
        for (int i = 5; i >= 0; i--) {
            digits[i] = B36[(int) (v % 36)];
            v /= 36;
        }
        final StringBuilder sb = new StringBuilder(18).append(keyPrefix).append("5g0000");
        if (v > 0) {
            sb.append(Long.toString(v, 36).toUpperCase(Locale.ROOT));
        }
        return sb.append(digits).toString();
    }
}

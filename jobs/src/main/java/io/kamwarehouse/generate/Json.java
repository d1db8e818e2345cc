package io.kamwarehouse.generate;

/** Minimal JSON writing helpers (no dependency on Jackson at run time). */
final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    static StringBuilder appendString(final StringBuilder sb, final String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** A JSON number literal: optional minus, digits, optional fraction (no exponent, no leading +). */
    static boolean isNumber(final String v) {
        final int n = v.length();
        int i = 0;
        if (i < n && v.charAt(i) == '-') {
            i++;
        }
        final int digitsStart = i;
        while (i < n && Character.isDigit(v.charAt(i)) && v.charAt(i) < 128) {
            i++;
        }
        if (i == digitsStart) {
            return false;
        }
        if (i - digitsStart > 1 && v.charAt(digitsStart) == '0') {
            return false;
        }
        if (i < n && v.charAt(i) == '.') {
            i++;
            final int fracStart = i;
            while (i < n && Character.isDigit(v.charAt(i)) && v.charAt(i) < 128) {
                i++;
            }
            if (i == fracStart) {
                return false;
            }
        }
        return i == n;
    }
}

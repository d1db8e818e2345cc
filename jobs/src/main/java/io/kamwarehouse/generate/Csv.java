package io.kamwarehouse.generate;

/** RFC 4180 field quoting. */
final class Csv {

    private Csv() {
    }

    static StringBuilder appendField(final StringBuilder sb, final String value) {
        if (value == null || value.isEmpty()) {
            return sb;
        }
        boolean quote = false;
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                quote = true;
                break;
            }
        }
        if (!quote) {
            return sb.append(value);
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"') {
                sb.append('"');
            }
            sb.append(c);
        }
        return sb.append('"');
    }
}

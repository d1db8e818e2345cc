package io.kamwarehouse.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text cut into statements at the semicolons that end them: not inside a quoted string
 * ('...', "...", `...`, with backslash escapes as Spark SQL reads them) nor inside a comment
 * (-- to the end of the line, /* ... *&#47;). Statements holding only comments or spaces are left out.
 */
final class Statements {

    /** A statement's text (without its semicolon) and the line of the text it starts on (from 1). */
    record Statement(String text, int line) {
    }

    private Statements() {
    }

    static List<Statement> split(final String sql) {
        final List<Statement> out = new ArrayList<>();
        final Scan scan = new Scan(sql);
        int start = 0;
        int startLine = 1;
        while (true) {
            final int end = scan.nextSemicolon();
            final String text = sql.substring(start, end < 0 ? sql.length() : end);
            final int code = new Scan(text).firstCode();
            if (code < text.length()) {
                // from its first word: comments before it are left out
                out.add(new Statement(text.substring(code).strip(), startLine + (int) text.substring(0, code).chars()
                        .filter(ch -> ch == '\n').count()));
            }
            if (end < 0) {
                return out;
            }
            startLine = scan.line;
            start = end + 1;
        }
    }

    /**
     * True when the text ends a statement: its last semicolon outside strings and comments is
     * followed by nothing but spaces and comments, so a shell can run what was typed.
     */
    static boolean complete(final String sql) {
        final Scan scan = new Scan(sql);
        int last = -1;
        for (int end = scan.nextSemicolon(); end >= 0; end = scan.nextSemicolon()) {
            last = end;
        }
        return last >= 0 && !scan.open() && blank(sql.substring(last + 1));
    }

    /** True when the text holds nothing but spaces and comments. */
    static boolean blank(final String sql) {
        final Scan scan = new Scan(sql);
        scan.nextSemicolon();
        return !scan.sawCode;
    }

    /** A scanner over the text that knows whether it is in a string or a comment. */
    private static final class Scan {
        private final String s;
        private int i;
        int line = 1;
        boolean sawCode;
        private int firstCode = -1;
        private char quote;
        private boolean lineComment;
        private int blockDepth;

        Scan(final String s) {
            this.s = s;
        }

        boolean open() {
            return quote != 0 || blockDepth > 0;
        }

        int firstCode() {
            if (firstCode < 0) {
                while (nextSemicolon() >= 0 && firstCode < 0) {
                    // scan on until code is seen or the text ends
                }
            }
            return firstCode < 0 ? s.length() : firstCode;
        }

        /** The index of the next statement-ending semicolon, or -1 at the end of the text. */
        int nextSemicolon() {
            while (i < s.length()) {
                final char c = s.charAt(i);
                final char n = i + 1 < s.length() ? s.charAt(i + 1) : 0;
                if (c == '\n') {
                    line++;
                }
                if (lineComment) {
                    if (c == '\n') {
                        lineComment = false;
                    }
                    i++;
                } else if (blockDepth > 0) {
                    if (c == '*' && n == '/') {
                        blockDepth--;
                        i += 2;
                    } else if (c == '/' && n == '*') {
                        blockDepth++;
                        i += 2;
                    } else {
                        i++;
                    }
                } else if (quote != 0) {
                    if (c == '\\' && quote != '`') {
                        i += 2;
                    } else {
                        if (c == quote) {
                            quote = 0;
                        }
                        i++;
                    }
                } else if (c == '-' && n == '-') {
                    lineComment = true;
                    i += 2;
                } else if (c == '/' && n == '*') {
                    blockDepth = 1;
                    i += 2;
                } else if (c == ';') {
                    return i++;
                } else {
                    if (!Character.isWhitespace(c)) {
                        if (!sawCode) {
                            firstCode = i;
                        }
                        sawCode = true;
                        if (c == '\'' || c == '"' || c == '`') {
                            quote = c;
                        }
                    }
                    i++;
                }
            }
            return -1;
        }
    }
}

package io.kamwarehouse.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.runtime.RunContext;

/**
 * {@code kamw sql} without a query at a terminal: a prompt that keeps one Spark session for many
 * statements. A statement runs when a line ends it with ';' (it may span lines); errors are printed
 * and the shell goes on. Lines are edited and recalled with JLine (history kept in
 * {@code ~/.kamw_sql_history}); where JLine cannot drive the terminal, plain lines are read.
 */
final class SqlShell {

    private static final String PROMPT = "kamw> ";
    private static final String MORE = "   ...> ";

    private final SqlCommand command;
    private final RunContext ctx;

    SqlShell(final SqlCommand command, final RunContext ctx) {
        this.command = command;
        this.ctx = ctx;
    }

    /** Reads one line, or null at the end of input. */
    private interface Lines {
        String read(String prompt) throws IOException;
    }

    int run() throws IOException {
        System.err.println("kamw sql: tables by name (show tables; describe TABLE; describe history TABLE). End a statement "
                + "with ';'. quit or Ctrl-D leaves.");
        Lines lines;
        Runnable close = () -> { };
        try {
            final org.jline.terminal.Terminal terminal = org.jline.terminal.TerminalBuilder.builder().system(true).build();
            final Path history = Paths.get(System.getProperty("user.home"), ".kamw_sql_history");
            final org.jline.reader.LineReader reader = org.jline.reader.LineReaderBuilder.builder().terminal(terminal)
                    .appName("kamw").variable(org.jline.reader.LineReader.HISTORY_FILE, history)
                    .variable(org.jline.reader.LineReader.SECONDARY_PROMPT_PATTERN, MORE)
                    .option(org.jline.reader.LineReader.Option.DISABLE_EVENT_EXPANSION, true).build();
            lines = prompt -> {
                try {
                    return reader.readLine(prompt);
                } catch (final org.jline.reader.UserInterruptException e) {
                    return ""; // Ctrl-C drops the line being typed
                } catch (final org.jline.reader.EndOfFileException e) {
                    return null;
                }
            };
            close = () -> {
                try {
                    reader.getHistory().save();
                    terminal.close();
                } catch (final IOException e) {
                    // the history is a convenience; losing it is no reason to fail
                }
            };
        } catch (final IOException | RuntimeException | LinkageError e) {
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            lines = prompt -> {
                System.out.print(prompt);
                System.out.flush();
                return in.readLine();
            };
        }
        try {
            final StringBuilder buffer = new StringBuilder();
            while (true) {
                final String line = lines.read(buffer.length() == 0 ? PROMPT : MORE);
                if (line == null) {
                    break;
                }
                final String word = line.strip().replaceAll(";$", "").toLowerCase(java.util.Locale.ROOT);
                if (buffer.length() == 0 && (word.equals("quit") || word.equals("exit") || word.equals("\\q"))) {
                    break;
                }
                buffer.append(line).append('\n');
                if (Statements.blank(buffer.toString())) {
                    buffer.setLength(0);
                    continue;
                }
                if (!Statements.complete(buffer.toString())) {
                    continue;
                }
                final String text = buffer.toString();
                buffer.setLength(0);
                for (final Statements.Statement st : Statements.split(text)) {
                    final long started = System.nanoTime();
                    try {
                        command.run(ctx, st.text());
                        System.err.printf("(%.1f s)%n", (System.nanoTime() - started) / 1e9);
                    } catch (final KamwException e) {
                        System.err.println("kamw: error: " + e.getMessage());
                    } catch (final RuntimeException e) {
                        System.err.println("kamw: unexpected error: " + e);
                    }
                }
            }
        } finally {
            close.run();
        }
        return 0;
    }
}

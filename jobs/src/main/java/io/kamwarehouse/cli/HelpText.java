package io.kamwarehouse.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The help of every command: descriptions wrapped at spaces only, so a path, a selector
 * ({@code layer:bronze|silver|gold}) or a file name is never cut across lines; a subcommand lists
 * its own options, the global ones (accepted after any command) being described once, in
 * {@code kamw --help}, and named in a line at the end, its synopsis saying {@code [OPTIONS]}.
 */
final class HelpText {

    /** Where descriptions start at most (longer option names put theirs on the next line). */
    private static final int MAX_COLUMN = 30;

    private HelpText() {
    }

    static void apply(final CommandLine cli) {
        cli.setUsageHelpAutoWidth(true);
        final CommandSpec spec = cli.getCommandSpec();
        final boolean sub = spec.parent() != null;
        final UsageMessageSpec usage = spec.usageMessage();
        final Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> {
            final StringBuilder out = new StringBuilder();
            for (final String paragraph : help.commandSpec().usageMessage().description()) {
                out.append(wrap(paragraph, help.commandSpec().usageMessage().width(), 0)).append('\n');
            }
            return out.toString();
        });
        sections.put(UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, help -> list(help.commandSpec(), false, sub));
        sections.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commands(help.commandSpec()));
        sections.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> list(help.commandSpec(), true, sub));
        if (sub) {
            usage.abbreviateSynopsis(true);
            // each inherited option is described in the help of the command that declares it
            final Map<String, List<String>> byOwner = new LinkedHashMap<>();
            for (final OptionSpec o : spec.options()) {
                if (o.inherited()) {
                    byOwner.computeIfAbsent(owner(spec, o.longestName()), k -> new ArrayList<>()).add(o.longestName());
                }
            }
            final CommandLine.IHelpSectionRenderer footer = usage.sectionMap().get(UsageMessageSpec.SECTION_KEY_FOOTER);
            if (!byOwner.isEmpty()) {
                sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
                    final StringBuilder out = new StringBuilder(footer == null ? "" : footer.render(help)).append('\n');
                    byOwner.forEach((owner, names) -> out.append(wrap((owner.equals("kamw") ? "Global options" : "Options of "
                            + owner) + ", described in '" + owner + " --help': " + String.join(", ", names) + ".",
                            help.commandSpec().usageMessage().width(), 0)).append('\n'));
                    return out.toString();
                });
            }
        }
        usage.sectionMap(sections);
        cli.getSubcommands().values().forEach(HelpText::apply);
    }

    /** The qualified name of the nearest command above {@code spec} that declares the option itself. */
    private static String owner(final CommandSpec spec, final String option) {
        for (CommandSpec c = spec.parent(); c != null; c = c.parent()) {
            final OptionSpec o = c.findOption(option);
            if (o != null && !o.inherited()) {
                return c.qualifiedName();
            }
        }
        return "kamw";
    }

    /** The positional parameters or the options (a subcommand's own) as two columns. */
    private static String list(final CommandSpec spec, final boolean options, final boolean sub) {
        final List<String[]> rows = new ArrayList<>();
        final List<ArgSpec> args = new ArrayList<>();
        if (options) {
            spec.options().stream().filter(o -> !o.hidden() && !(sub && o.inherited())).forEach(args::add);
        } else {
            spec.positionalParameters().stream().filter(p -> !p.hidden()).forEach(args::add);
        }
        for (final ArgSpec a : args) {
            rows.add(new String[] {"  " + names(a), String.join(" ", a.renderedDescription())});
        }
        return rows.isEmpty() ? "" : columns(rows, spec.usageMessage().width());
    }

    /** The subcommands, each with the first paragraph of its description. */
    private static String commands(final CommandSpec spec) {
        final List<String[]> rows = new ArrayList<>();
        for (final Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            final CommandSpec c = e.getValue().getCommandSpec();
            if (!c.name().equals(e.getKey()) || c.usageMessage().hidden()) {
                continue; // an alias
            }
            final String[] header = c.usageMessage().header();
            final String[] d = header.length > 0 ? header : c.usageMessage().description();
            rows.add(new String[] {"  " + c.name(), d.length == 0 ? "" : TablesCommand.firstSentence(d[0].replace("%n", " "))});
        }
        return rows.isEmpty() ? "" : columns(rows, spec.usageMessage().width());
    }

    private static String columns(final List<String[]> rows, final int width) {
        int column = 0;
        for (final String[] r : rows) {
            column = Math.max(column, r[0].length() + 2);
        }
        column = Math.min(column, MAX_COLUMN);
        final StringBuilder out = new StringBuilder();
        for (final String[] r : rows) {
            final String text = wrap(r[1], width - column, column);
            if (r[0].length() + 2 > column) {
                out.append(r[0]).append('\n').append(" ".repeat(column)).append(text).append('\n');
            } else {
                out.append(r[0]).append(" ".repeat(column - r[0].length())).append(text).append('\n');
            }
        }
        return out.toString();
    }

    private static String names(final ArgSpec a) {
        if (a instanceof PositionalParamSpec p) {
            return p.paramLabel() + (p.arity().max() > 1 ? "..." : "");
        }
        final OptionSpec o = (OptionSpec) a;
        final String shortest = o.shortestName();
        final String longest = o.longestName();
        final String head = o.names().length > 1 && shortest.length() == 2 ? shortest + ", " + longest
                : longest.length() == 2 ? longest : "    " + longest;
        final CommandLine.Range arity = o.arity();
        if (arity.max() == 0) {
            return head;
        }
        final String label = o.paramLabel();
        return head + (arity.min() == 0 ? "[=" + label + "]" : "=" + label) + (arity.max() > 1 ? "..." : "");
    }

    /** Text wrapped at spaces to lines of at most {@code width} characters, lines after the first indented by {@code indent}. */
    static String wrap(final String text, final int width, final int indent) {
        final StringBuilder out = new StringBuilder();
        int line = 0;
        for (final String word : text.strip().split("\\s+")) {
            if (line > 0 && line + 1 + word.length() > Math.max(width, 20)) {
                out.append('\n').append(" ".repeat(indent));
                line = 0;
            } else if (line > 0) {
                out.append(' ');
                line++;
            }
            out.append(word);
            line += word.length();
        }
        return out.toString();
    }
}

package io.kamwarehouse.cli;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kamw lineage TABLE}: what a table is built from, down to the source extracts, and what is
 * built from it, as two indented trees read from the specs and contracts alone (no Spark, no
 * warehouse needed). A table whose branch was already printed is marked {@code [shown above]} where it
 * appears again.
 */
@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = "Show what a table is built from (down to its source extracts) and what is built from it, as two trees. "
                + "Reads only the specs and contracts.")
final class LineageCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "TABLE", description = "A bronze, silver or gold table (see kamw tables).")
    String table;

    @Option(names = "--depth", paramLabel = "N", description = "Levels to show each way (default: all).")
    Integer depth;

    @Option(names = "--upstream", description = "Only what the table is built from.")
    boolean upstreamOnly;

    @Option(names = "--downstream", description = "Only what is built from the table.")
    boolean downstreamOnly;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (depth != null && depth < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--depth must be 1 or more, not " + depth);
        }
        final ContractCatalog contracts = main.contracts();
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), contracts);
        final Graph g = Graph.of(specs, contracts);
        table = io.kamwarehouse.Names.known("table", table, g.nodes, "kamw tables");
        final PrintStream out = System.out;
        out.println(table + "  (" + g.kind.get(table) + ")");
        final int max = depth == null ? Integer.MAX_VALUE : depth;
        if (!downstreamOnly) {
            out.println("built from:");
            final int shown = tree(out, g.inputs, table, 1, max, new HashSet<>(), g);
            if (shown == 0) {
                out.println("  (nothing: " + (g.kind.get(table).startsWith("bronze") ? "it loads source extracts" : "it reads no table") + ")");
            }
        }
        if (!upstreamOnly) {
            out.println("built into:");
            if (tree(out, g.outputs, table, 1, max, new HashSet<>(), g) == 0) {
                out.println("  (nothing is built from it)");
            }
        }
        return 0;
    }

    /** Prints the children of {@code node} one level deeper; the number of lines printed. */
    private static int tree(final PrintStream out, final Map<String, Set<String>> edges, final String node, final int level,
            final int max, final Set<String> shown, final Graph g) {
        if (level > max) {
            return 0;
        }
        int lines = 0;
        for (final String next : edges.getOrDefault(node, Set.of())) {
            // a table whose own branch was printed already is not printed again (only those expanded count, not the
            // ones the depth cut short)
            final boolean again = shown.contains(next);
            final boolean more = !edges.getOrDefault(next, Set.of()).isEmpty();
            out.println("  ".repeat(level) + next + "  (" + g.kind.get(next) + ")" + (again && more ? "  [shown above]" : ""));
            lines++;
            if (!again && level < max) {
                shown.add(next);
                lines += tree(out, edges, next, level + 1, max, shown, g);
            }
        }
        return lines;
    }

    /** Tables, their kinds and their edges both ways, from the specs and the contracts. */
    record Graph(Set<String> nodes, Map<String, String> kind, Map<String, Set<String>> inputs, Map<String, Set<String>> outputs) {

        static Graph of(final TableSpecCatalog specs, final ContractCatalog contracts) {
            final Set<String> nodes = new TreeSet<>();
            final Map<String, String> kind = new TreeMap<>();
            final Map<String, Set<String>> inputs = new TreeMap<>();
            final Map<String, Set<String>> outputs = new TreeMap<>();
            for (final Contract c : contracts.all()) {
                nodes.add(c.bronzeTable());
                kind.put(c.bronzeTable(), "bronze, from " + c.qualifiedName() + " extracts");
            }
            for (final TableSpec s : specs.all()) {
                nodes.add(s.name());
                kind.put(s.name(), s.layer() + ", " + s.job() + (s.period() == null ? "" : ", by " + s.period().grain().name()
                        .toLowerCase(java.util.Locale.ROOT)));
                for (final String in : s.inputs()) {
                    inputs.computeIfAbsent(s.name(), k -> new TreeSet<>()).add(in);
                    outputs.computeIfAbsent(in, k -> new TreeSet<>()).add(s.name());
                    nodes.add(in);
                    kind.putIfAbsent(in, "not defined by a spec");
                }
            }
            return new Graph(nodes, kind, inputs, outputs);
        }
    }
}

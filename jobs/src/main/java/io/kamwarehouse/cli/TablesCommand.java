package io.kamwarehouse.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kamw tables}: the tables the specs define, with where their spec and query live, read from
 * the specs alone (no Spark, no warehouse needed).
 */
@Command(name = "tables", aliases = "ls", mixinStandardHelpOptions = true,
        description = "List the tables of the specs: layer, domain, name, job kind, grain, what it is for (the first sentence "
                + "of its description), its folder below schemas/ (table.yaml, query.sql), and its Delta version and last build "
                + "time in the warehouse. Reads the specs and the tables' Delta logs, without Spark. The text table "
                + "shortens long grains and descriptions; --csv gives them whole.")
final class TablesCommand implements Callable<Integer> {

    static final List<String> HEADER = List.of("layer", "domain", "table", "job", "grain", "description", "folder", "version",
            "built_at");

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--csv", description = "Machine-readable: CSV with a header line.")
    boolean csv;

    @CommandLine.Parameters(paramLabel = "SELECTOR", arity = "0..*", description = "Only the tables these select, as pipeline "
            + "--select takes them (TABLE, TABLE+, +TABLE, layer:gold, domain:bonus, schedule:daily, kind:example).")
    List<String> select = new ArrayList<>();

    @Option(names = "--layer", paramLabel = "LAYER", description = "Only this layer: silver or gold.")
    String layer;

    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "Only this domain (the folder between layer and table, e.g. retention; an example data set's name for its tables).")
    String domain;

    @Override
    public Integer call() {
        if (layer != null && !TableSpec.LAYERS.contains(layer)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--layer '" + layer + "' is not one of "
                    + String.join(", ", TableSpec.LAYERS) + (layer.equals("bronze") ? " (bronze tables come from the contracts in "
                    + "schemas/sources/, not from specs)" : ""));
        }
        final TableSpecCatalog specs = TableSpecCatalog.load(SchemaFiles.load(main.config().schemasDir()), main.contracts());
        final Set<String> domains = new TreeSet<>();
        specs.all().forEach(s -> domains.add(s.domain()));
        if (domain != null && !domains.contains(domain)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown domain '" + domain + "'; domains: "
                    + String.join(", ", domains));
        }
        final Set<String> picked = select.isEmpty() ? null
                : new io.kamwarehouse.pipeline.Selector(specs, main.contracts()).select(select, List.of());
        final List<TableSpec> rows = new ArrayList<>();
        for (final TableSpec s : specs.all()) {
            if ((layer == null || layer.equals(s.layer())) && (domain == null || domain.equals(s.domain()))
                    && (picked == null || picked.contains(s.name()))) {
                rows.add(s);
            }
        }
        rows.sort(Comparator.comparing((TableSpec s) -> s.example())
                .thenComparing(s -> TableSpec.LAYERS.indexOf(s.layer()))
                .thenComparing(TableSpec::domain)
                .thenComparing(TableSpec::name));
        final TablePrinter table = new TablePrinter(HEADER);
        for (final TableSpec s : rows) {
            final String grain = s.grain().strip().replaceAll("\\s+", " ");
            final String description = firstSentence(s.description());
            final String[] built = lastCommit(main.config().warehouseRoot() + "/" + io.kamwarehouse.runtime.Warehouse.layerOf(s.name())
                    + "/" + s.name());
            table.add(List.of(s.layer(), s.domain(), s.name(), s.job(), csv ? grain : shorten(grain), csv ? description : shorten(description),
                    s.folder(), built[0], built[1]));
        }
        table.print(System.out, csv);
        return 0;
    }

    /**
     * A table's newest Delta version and when it was committed (UTC, to the second), from the
     * names and times of its log's commit files; empty strings where the table does not exist or
     * its folder cannot be read from here.
     */
    static String[] lastCommit(final String tablePath) {
        try {
            final org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(tablePath, "_delta_log");
            final org.apache.hadoop.fs.FileStatus newest = io.kamwarehouse.runtime.Warehouse.newestCommit(
                    log.getFileSystem(new org.apache.hadoop.conf.Configuration()), log);
            return newest == null ? new String[] {"", ""} : new String[] {
                String.valueOf(io.kamwarehouse.runtime.Warehouse.commitVersion(newest)),
                java.time.Instant.ofEpochMilli(newest.getModificationTime()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString()};
        } catch (final java.io.IOException | RuntimeException e) {
            return new String[] {"", ""};
        }
    }

    /** Widest grain or description cell of the text table; CSV gives them whole. */
    static final int TEXT_WIDTH = 72;

    /** A cell cut to {@link #TEXT_WIDTH} characters, with "..." when cut. */
    static String shorten(final String text) {
        return text.length() <= TEXT_WIDTH ? text : text.substring(0, TEXT_WIDTH - 3).stripTrailing() + "...";
    }

    /**
     * The first sentence of a text, on one line: up to the first full stop followed by a space and
     * a capital letter (or the end), so "e.g. the" and "3.5 days" do not end it.
     */
    static String firstSentence(final String text) {
        if (text == null) {
            return "";
        }
        final String t = text.strip().replaceAll("\\s+", " ");
        for (int i = 0; i < t.length() - 1; i++) {
            if (t.charAt(i) == '.' && t.charAt(i + 1) == ' ' && i + 2 < t.length()
                    && Character.isUpperCase(t.charAt(i + 2)) && !abbreviation(t, i)) {
                return t.substring(0, i + 1);
            }
        }
        return t;
    }

    private static boolean abbreviation(final String t, final int dot) {
        final String before = t.substring(0, dot + 1).toLowerCase(Locale.ROOT);
        return before.endsWith("e.g.") || before.endsWith("i.e.") || before.endsWith("vs.");
    }
}

package io.kamwarehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/** {@code kamw tables}: every spec's table with its layer, domain, job, grain, first sentence and folder, from the specs alone. */
class TablesCommandTest {

    record Result(int code, String out, String err) {
    }

    private static Result kamw(final String... args) {
        final List<String> all = new ArrayList<>(List.of("--schemas", SharedSpark.schemasDir().toString(), "-q"));
        all.addAll(List.of(args));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream oldOut = System.out;
        final int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute(all.toArray(new String[0]), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static TableSpecCatalog specs() {
        final SchemaFiles files = SchemaFiles.load(SharedSpark.schemasDir().toString());
        return TableSpecCatalog.load(files, ContractCatalog.load(files));
    }

    /** The CSV lines (header first) split into cells; no cell of the specs holds a quote or a comma-quote mix we need here. */
    private static List<List<String>> csv(final String out) {
        final List<List<String>> rows = new ArrayList<>();
        for (final String line : out.split("\n")) {
            final List<String> cells = new ArrayList<>();
            final StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                final char c = line.charAt(i);
                if (c == '"') {
                    if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = !quoted;
                    }
                } else if (c == ',' && !quoted) {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            cells.add(cell.toString());
            rows.add(cells);
        }
        return rows;
    }

    @Test
    void listsEverySpecWithItsLayerDomainJobGrainFirstSentenceAndFolderWithoutStartingSpark() {
        final boolean sparkBefore = SparkSession.getDefaultSession().isDefined();
        final Result r = kamw("tables", "--csv");
        assertEquals(0, r.code(), r.err());
        if (!sparkBefore) {
            assertTrue(SparkSession.getDefaultSession().isEmpty(), "kamw tables started Spark");
        }
        final List<List<String>> rows = csv(r.out().strip());
        assertEquals(TablesCommand.HEADER, rows.get(0));
        final TableSpecCatalog specs = specs();
        assertEquals(specs.all().size(), rows.size() - 1, "one line per spec");
        final List<String> health = rows.stream().filter(x -> x.get(2).equals("fct_account_health")).findFirst().orElseThrow();
        final TableSpec h = specs.get("fct_account_health");
        assertEquals(List.of("gold", h.domain(), "fct_account_health", h.job(), h.grain(), TablesCommand.firstSentence(h.description()),
                h.folder(), "", ""), health, "no version nor build time: the warehouse has no tables");
        assertTrue(Files.isRegularFile(SharedSpark.schemasDir().resolve(h.folder()).resolve("table.yaml")), "the folder holds the spec");
        final List<String> example = rows.stream().filter(x -> x.get(2).equals("stg_maven_crm__accounts")).findFirst().orElseThrow();
        assertEquals(List.of("silver", "maven_crm", "stg_maven_crm__accounts"), example.subList(0, 3));
        assertTrue(example.get(6).startsWith("examples/maven_crm/silver/"), example.get(6));
        for (final List<String> row : rows.subList(1, rows.size())) {
            assertFalse(row.get(5).contains("\n"), row.toString());
        }
    }

    @Test
    void filtersByLayerAndDomain() {
        final Result r = kamw("tables", "--csv", "--layer", "silver", "--domain", "crm");
        assertEquals(0, r.code(), r.err());
        final List<List<String>> rows = csv(r.out().strip());
        final long expected = specs().all().stream().filter(s -> s.layer().equals("silver") && s.domain().equals("crm")).count();
        assertTrue(expected > 0);
        assertEquals(expected, rows.size() - 1);
        rows.subList(1, rows.size()).forEach(row -> assertEquals(List.of("silver", "crm"), row.subList(0, 2), row.toString()));

        final Result text = kamw("tables", "--layer", "gold");
        assertEquals(0, text.code(), text.err());
        final String[] lines = text.out().split("\n");
        assertTrue(lines[0].startsWith("layer") && lines[0].contains("folder") && lines[1].startsWith("-----"), text.out());
        assertTrue(text.out().contains("fct_account_clv") && !text.out().contains("stg_crm__accounts"), text.out());
        final String[] rule = lines[1].split("  ");
        assertEquals(TablesCommand.HEADER.size(), rule.length, lines[1]);
        assertTrue(rule[4].length() <= TablesCommand.TEXT_WIDTH && rule[5].length() <= TablesCommand.TEXT_WIDTH,
                "long grains and descriptions are shortened: " + lines[1]);
        assertEquals("x".repeat(TablesCommand.TEXT_WIDTH), TablesCommand.shorten("x".repeat(TablesCommand.TEXT_WIDTH)));
        assertEquals("x".repeat(TablesCommand.TEXT_WIDTH - 3) + "...", TablesCommand.shorten("x".repeat(TablesCommand.TEXT_WIDTH + 1)));
    }

    /** {@code kamw ls} takes the pipeline's selectors, tags and owners among them. */
    @Test
    void selectorsPickTablesByTagOwnerAndLineage() {
        final Result finance = kamw("ls", "tag:finance", "--csv");
        assertEquals(0, finance.code(), finance.err());
        assertEquals(List.of("fct_account_revenue_month", "fct_bonus", "fct_bonus_reconciliation", "fct_deal_credit"),
                csv(finance.out().strip()).stream().skip(1).map(r -> r.get(2)).sorted().toList());
        final Result upstream = kamw("ls", "+dim_team", "--csv");
        assertEquals(List.of("stg_crm__teams", "dim_team"), csv(upstream.out().strip()).stream().skip(1).map(r -> r.get(2)).toList(),
                "a bronze table has no spec, so it is not listed");
        final Result owner = kamw("ls", "owner:nobody");
        assertEquals(2, owner.code());
        assertTrue(owner.err().contains("selector 'owner:nobody' matches no table; known values of owner: ")
                && owner.err().contains("analytics"), owner.err());
        final Result tag = kamw("ls", "tag:nope");
        assertTrue(tag.err().contains("known values of tag: finance"), tag.err());
    }

    @Test
    void anUnknownLayerOrDomainIsAUsageErrorNamingTheKnownOnes() {
        final Result layer = kamw("tables", "--layer", "bronze");
        assertEquals(2, layer.code());
        assertTrue(layer.err().contains("is not one of silver, gold") && layer.err().contains("contracts"), layer.err());
        final Result domain = kamw("tables", "--domain", "nope");
        assertEquals(2, domain.code());
        assertTrue(domain.err().contains("unknown domain 'nope'; domains: ") && domain.err().contains("retention"), domain.err());
    }

    @Test
    void theFirstSentenceEndsAtAFullStopBeforeACapitalNotAtAnAbbreviationOrANumber() {
        assertEquals("Accounts by tier, e.g. S and A.", TablesCommand.firstSentence("Accounts by tier, e.g. S and A. More text."));
        assertEquals("Takes 3.5 days on average.", TablesCommand.firstSentence("Takes 3.5 days\n  on average. Then more."));
        assertEquals("No full stop", TablesCommand.firstSentence("No full stop"));
        assertEquals("", TablesCommand.firstSentence(null));
    }
}

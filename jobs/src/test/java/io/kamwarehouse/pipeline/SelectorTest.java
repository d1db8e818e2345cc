package io.kamwarehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/** {@code kamw pipeline --select/--exclude} on the shipped specs and contracts: what each selector picks. */
class SelectorTest {

    private static final SchemaFiles FILES = SchemaFiles.load(SharedSpark.schemasDir().toString());
    private static final ContractCatalog CONTRACTS = ContractCatalog.load(FILES);
    private static final TableSpecCatalog SPECS = TableSpecCatalog.load(FILES, CONTRACTS);
    private static final Selector SELECTOR = new Selector(SPECS, CONTRACTS);

    private static Set<String> select(final String... selectors) {
        return SELECTOR.select(List.of(selectors), List.of());
    }

    private static Set<String> specs(final java.util.function.Predicate<TableSpec> which) {
        return SPECS.all().stream().filter(which).map(TableSpec::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aTableWithAPlusPicksWhatItIsBuiltFromOrWhatIsBuiltFromIt() {
        assertEquals(List.of("fct_team_scorecard"), new ArrayList<>(select("fct_team_scorecard")));

        final Set<String> up = select("+fct_team_scorecard");
        assertTrue(up.containsAll(List.of("fct_team_scorecard", "fct_employee_scorecard", "fct_employee_kpi", "dim_team",
                "stg_crm__teams", "raw_crm__teams")), up.toString());
        assertFalse(up.contains("fct_bonus"), "fct_bonus is built from the scorecards, not the other way");
        // Every picked spec's dependencies are picked too: the chain is whole.
        for (final String t : up) {
            SPECS.find(t).ifPresent(s -> assertTrue(up.containsAll(s.dependencies()), t + " without " + s.dependencies()));
        }

        final Set<String> down = select("stg_crm__teams+");
        assertTrue(down.containsAll(List.of("stg_crm__teams", "dim_team", "fct_team_scorecard", "fct_bonus")), down.toString());
        // Relationship checks count: stg_crm__accounts checks its team ids against stg_crm__teams, so it comes after.
        assertTrue(down.contains("stg_crm__accounts"), down.toString());
        assertFalse(down.contains("raw_crm__teams") || down.contains("cfg_scoring_plan"), down.toString());

        final Set<String> both = select("+dim_team+");
        assertTrue(both.contains("raw_crm__teams") && both.contains("fct_team_scorecard"), both.toString());
    }

    @Test
    void methodsPickByLayerDomainScheduleAndKindAndCommasIntersect() {
        final Set<String> bronze = select("layer:bronze");
        assertEquals(CONTRACTS.all().size(), bronze.size());
        assertTrue(bronze.stream().allMatch(t -> t.startsWith("raw_")), bronze.toString());

        assertEquals(specs(s -> s.layer().equals("gold") && s.schedule().equals("monthly") && !s.example()),
                new TreeSet<>(select("layer:gold,schedule:monthly,kind:product")));
        assertTrue(select("layer:gold,schedule:monthly,kind:product").contains("fct_account_tier"));

        final Set<String> crm = select("domain:crm");
        assertTrue(crm.contains("raw_crm__accounts") && crm.contains("stg_crm__accounts"), "a bronze table's domain is its source");
        assertFalse(crm.contains("dim_account"), crm.toString());

        final Set<String> examples = select("kind:example");
        assertTrue(examples.contains("raw_cdnow__transactions") && examples.contains("stg_maven_crm__accounts"), examples.toString());
        assertTrue(select("kind:product").stream().noneMatch(examples::contains), "product and examples do not overlap");

        // Separate selectors: what either picks, in build order (bronze first, then dependency order).
        final List<String> union = new ArrayList<>(select("dim_team", "raw_crm__teams stg_crm__teams"));
        assertEquals(List.of("raw_crm__teams", "stg_crm__teams", "dim_team"), union);
    }

    @Test
    void excludeTakesAwayWhatItsSelectorsPick() {
        final Set<String> gold = SELECTOR.select(List.of("layer:gold,kind:product"), List.of("fct_employee_kpi+", "schedule:monthly"));
        assertTrue(gold.contains("dim_team") && gold.contains("bdg_kpi_evidence"), gold.toString());
        for (final String gone : List.of("fct_employee_kpi", "fct_employee_scorecard", "fct_bonus", "fct_account_tier")) {
            assertFalse(gold.contains(gone), gone + " is excluded");
        }
        // No selector: every table, less the excluded.
        final Set<String> all = SELECTOR.select(List.of(), List.of("kind:example"));
        assertEquals(CONTRACTS.all().size() + SPECS.all().size() - select("kind:example").size(), all.size());
    }

    @Test
    void anUnknownTableOrMethodOrASelectionOfNothingIsRefusedWithWhatIsKnown() {
        KamwException e = assertThrows(KamwException.class, () -> select("fct_nope+"));
        // no close name among more than a hundred: where to find them, not all of them on one line
        assertTrue(e.getMessage().contains("unknown table 'fct_nope'") && e.getMessage().contains("kamw tables lists all"), e.getMessage());
        e = assertThrows(KamwException.class, () -> select("fct_bonuss+"));
        assertTrue(e.getMessage().contains("unknown table 'fct_bonuss' in selector 'fct_bonuss+'; did you mean fct_bonus?"), e.getMessage());
        e = assertThrows(KamwException.class, () -> select("colour:red"));
        assertTrue(e.getMessage().contains("unknown selector method 'colour'") && e.getMessage().contains("layer:")
                && e.getMessage().contains("tag:"), e.getMessage());
        // tags and owners are methods since specs list tags
        assertEquals(Set.of("fct_bonus", "fct_bonus_reconciliation", "fct_deal_credit", "fct_account_revenue_month"), select("tag:finance"));
        e = assertThrows(KamwException.class, () -> select("tag:payroll"));
        assertTrue(e.getMessage().contains("known values of tag: finance"), e.getMessage());
        e = assertThrows(KamwException.class, () -> select("layer:platinum"));
        assertTrue(e.getMessage().contains("known values of layer: bronze, gold, silver"), e.getMessage());
        e = assertThrows(KamwException.class, () -> select("layer:gold,layer:silver"));
        assertTrue(e.getMessage().contains("selects no table"), e.getMessage());
        e = assertThrows(KamwException.class, () -> select("layer:gold,,kind:product"));
        assertTrue(e.getMessage().contains("empty part"), e.getMessage());
    }
}

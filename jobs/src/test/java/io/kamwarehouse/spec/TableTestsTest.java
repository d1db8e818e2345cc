package io.kamwarehouse.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.jobs.TableSchemas;
import io.kamwarehouse.jobs.TableTestRunner;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.testing.SharedSpark;

/** The tests.yaml format: strict reading, and a runner that fails with a readable message when the output differs. */
class TableTestsTest {

    private static final String PATH = "tables/gold/performance/fct_deal_credit/tests.yaml";
    private static TableSpecCatalog specs;
    private static ContractCatalog contracts;
    private static TableSpec spec;

    /** One won deal with a lead and one assist under a 60/40 plan. */
    private static final String GIVEN = """
            given:
              cfg_scoring_plan:
                - {plan_version: "2026.1", plan_hash: h, effective_from: 2026-01-01, effective_to: 2026-12-31, deal_assist_share: 0.40}
              cfg_deal_credit_role:
                - {plan_version: "2026.1", team_role: assist}
              fct_opportunity:
                - {opportunity_id: D1, owner_employee_id: E1, close_date: 2026-03-15, amount_rpt: 1000.00, is_won: true}
              stg_crm__opportunity_team_members:
                - {opportunity_id: D1, employee_id: E1, team_role: lead}
                - {opportunity_id: D1, employee_id: E2, team_role: assist}
            """;

    @BeforeAll
    static void load() {
        final SchemaFiles files = SchemaFiles.fromDirectory(SharedSpark.schemasDir());
        contracts = ContractCatalog.load(files);
        specs = TableSpecCatalog.load(files, contracts);
        spec = specs.get("fct_deal_credit");
    }

    private static TableTests parse(final String yaml) {
        return TableTests.parse(PATH, yaml, spec);
    }

    private static String error(final String yaml) {
        return assertThrows(TableSpecException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void casesReadWithSharedRowsVarsAndExpectations() {
        final TableTests t = parse(GIVEN + """
                cases:
                  - name: the lead gets 60%
                    given:
                      dim_employee: []
                    expect:
                      where: is_lead
                      rows:
                        - {employee_id: E1, credit_amount: 600.00}
                  - name: two rows come out
                    expect: [{employee_id: E1}, {employee_id: E2}]
                """);
        assertEquals("fct_deal_credit", t.table());
        assertEquals(2, t.cases().size());
        final TableTestCase c = t.cases().get(0);
        assertEquals("is_lead", c.where());
        assertEquals(List.of("employee_id", "credit_amount"), c.columns());
        assertTrue(c.exactly());
        assertEquals(List.of(), c.given().get("dim_employee"));
        assertEquals(2, c.given().get("stg_crm__opportunity_team_members").size());
        assertEquals(Map.of(), c.vars());
        assertEquals(2, t.cases().get(1).rows().size());
    }

    @Test
    void unknownKeysAndTablesThatAreNoInputAreErrorsNamingFileAndField() {
        assertEquals("tests " + PATH + ", cases[0].expected: unknown key 'expected' (allowed: changed, expect, given, name, types, vars)",
                error("cases:\n  - name: a\n    expected: []\n"));
        assertEquals("tests " + PATH + ", cases[0].expect.order: unknown key 'order' (allowed: match, rows, where)",
                error("cases:\n  - name: a\n    expect: {rows: [], order: x}\n"));
        assertEquals("tests " + PATH + ", given.dim_team: dim_team is not an input of fct_deal_credit (inputs: fct_opportunity, "
                + "stg_crm__opportunity_team_members, dim_employee, cfg_scoring_plan, cfg_deal_credit_role)",
                error("given:\n  dim_team: []\ncases:\n  - {name: a, expect: []}\n"));
        assertTrue(error("cases:\n  - name: a\n    vars: {min_responses: 3}\n    expect: []\n")
                .contains("cases[0].vars.min_responses: is not a var of fct_deal_credit"));
        assertTrue(error("cases:\n  - name: a\n    expect: [{a: 1}, {b: 2}]\n")
                .contains("cases[0].expect.rows[1]: names [b] but the first row names [a]"));
        assertTrue(error("cases:\n  - {name: a, expect: []}\n  - {name: a, expect: []}\n").contains("'a' names two cases"));
        assertTrue(error("cases: []\n").contains("cases: must be a list of at least one case"));
    }

    @Test
    void aWrongExpectedValueFailsWithExpectedAndActualRows() {
        final TableTests t = parse(GIVEN + """
                cases:
                  - name: the lead gets 60%
                    expect:
                      - {employee_id: E1, is_lead: true, credit_amount: 600.01}
                      - {employee_id: E2, is_lead: false, credit_amount: 400.00}
                """);
        final TableTestRunner runner = new TableTestRunner(SharedSpark.spark(), specs,
                new TableSchemas(SharedSpark.spark(), specs, contracts));
        final TableTestRunner.Outcome o = runner.run(t, t.cases().get(0));
        assertFalse(o.passed());
        assertEquals("""
                tests %s, case 1 'the lead gets 60%%': the output differs from the expected rows
                compared on employee_id, is_lead, credit_amount (exactly these rows)
                expected but not produced (1):
                  | employee_id | is_lead | credit_amount |
                  | E1          | true    | 600.01        |
                produced but not expected (1):
                  | employee_id | is_lead | credit_amount |
                  | E1          | true    | 600.00        |
                expected (2 rows):
                  | employee_id | is_lead | credit_amount |
                  | E1          | true    | 600.01        |
                  | E2          | false   | 400.00        |
                actual (2 rows):
                  | employee_id | is_lead | credit_amount |
                  | E1          | true    | 600.00        |
                  | E2          | false   | 400.00        |
                """.formatted(PATH), o.message());
        // the right value passes; decimals compare at the column's scale (600 = 600.00)
        final TableTests right = parse(GIVEN + """
                cases:
                  - name: the lead gets 60%
                    expect:
                      - {employee_id: E1, is_lead: true, credit_amount: 600}
                      - {employee_id: E2, is_lead: false, credit_amount: 400.00}
                """);
        assertTrue(runner.run(right, right.cases().get(0)).passed());
    }

    @Test
    void aValueThatIsNotOfItsColumnsTypeOrAnUnknownColumnIsAnErrorNamingTheCase() {
        final TableTestRunner runner = new TableTestRunner(SharedSpark.spark(), specs,
                new TableSchemas(SharedSpark.spark(), specs, contracts));
        final TableTests badDate = parse("""
                cases:
                  - name: a
                    given:
                      fct_opportunity: [{opportunity_id: D1, close_date: 15.03.2026}]
                    expect: []
                """);
        assertEquals("tests " + PATH + ", case 1 'a', given.fct_opportunity[0].close_date: '15.03.2026' is not a DATE (write 2026-03-15)",
                assertThrows(KamwException.class, () -> runner.run(badDate, badDate.cases().get(0))).getMessage());
        final TableTests badColumn = parse("""
                cases:
                  - name: a
                    given:
                      fct_opportunity: [{opportunity: D1}]
                    expect: []
                """);
        assertTrue(assertThrows(KamwException.class, () -> runner.run(badColumn, badColumn.cases().get(0))).getMessage()
                .startsWith("tests " + PATH + ", case 1 'a', given.fct_opportunity[0]: opportunity is not a column of fct_opportunity"));
        final TableTests tooManyPlaces = parse("""
                cases:
                  - name: a
                    given:
                      fct_opportunity: [{amount_rpt: 1.005}]
                    expect: []
                """);
        assertTrue(assertThrows(KamwException.class, () -> runner.run(tooManyPlaces, tooManyPlaces.cases().get(0))).getMessage()
                .endsWith("given.fct_opportunity[0].amount_rpt: 1.005 has more decimal places than DECIMAL(18,2) holds"));
        // types: overrides what the warehouse knows of a column, as a last resort
        final TableTests typed = parse("""
                cases:
                  - name: a
                    types:
                      fct_opportunity: {amount_rpt: "decimal(18,3)"}
                    given:
                      fct_opportunity: [{amount_rpt: 1.005}]
                    expect: []
                """);
        assertTrue(runner.run(typed, typed.cases().get(0)).passed());
    }

    @Test
    void aChangeCaseFailsNamingThePeriodsAReachTooNarrowLeavesStale() {
        final TableSpec tier = specs.get("fct_account_tier");
        final String path = "tables/gold/account_value/fct_account_tier/tests.yaml";
        final TableTests tests = TableTests.parse(path, SchemaFiles.fromDirectory(SharedSpark.schemasDir()).read(path), tier);
        final TableTestCase clv = tests.cases().stream().filter(c -> c.changed().containsKey("fct_account_clv")).findFirst()
                .orElseThrow();
        final TableTestRunner runner = new TableTestRunner(SharedSpark.spark(), specs,
                new TableSchemas(SharedSpark.spark(), specs, contracts));
        assertTrue(runner.run(tier, tests, clv).passed());
        // a customer value declared to reach its own month only: March's previous_tier goes stale
        final Map<String, Period.Reach> narrow = new java.util.LinkedHashMap<>(tier.period().reach());
        narrow.put("fct_account_clv", new Period.Reach("as_of_date", null, 0, false));
        final TableSpec narrowed = tier.withPeriod(new Period("month", Period.Grain.MONTH, narrow));
        final TableTestRunner.Outcome o = runner.run(narrowed, tests, clv);
        assertFalse(o.passed());
        assertTrue(o.message().startsWith("tests " + path + ", case 2 'a new customer value changes its month's tiers and, through "
                + "previous_tier, the next month's': the change alters period 2026-03-01 of the output, which a build by period "
                + "would leave stale: period.reach (fct_account_clv reaches from as_of_date) recomputes 2026-02-01. Widen the reach."),
                o.message());
        assertTrue(o.message().contains("\"previous_tier\":\"A\""), o.message());
        // a change that alters no output row checks nothing, and a table rebuilt whole has no reach to check
        assertTrue(assertThrows(KamwException.class, () -> runner.run(tier, tests, new TableTestCase("same", 9, clv.vars(),
                clv.given(), Map.of("fct_account_clv", clv.given().get("fct_account_clv")), clv.types(), null, List.of(), List.of(),
                false, false))).getMessage().endsWith("the change alters no row of the output, so it checks no reach; change a "
                + "value the query reads"));
        assertTrue(error("cases:\n  - name: a\n    changed: {fct_opportunity: []}\n").endsWith("cases[0].changed: checks how far a "
                + "change reaches (period.reach), but fct_deal_credit declares no period: it is rebuilt whole"));
    }
}

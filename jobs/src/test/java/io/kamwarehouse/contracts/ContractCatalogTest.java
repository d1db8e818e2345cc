package io.kamwarehouse.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.testing.SharedSpark;

class ContractCatalogTest {

    private static final String MINIMAL = """
            source: crm
            entity: widgets
            business_key: [widget_id]
            columns:
              - {name: widget_id, type: string, required: true, aliases: [编号, Id]}
              - {name: price, type: "decimal(10,2)", min: 0}
            """;

    @Test
    void everyProjectContractLoadsAndReferencesResolve() {
        final ContractCatalog catalog = ContractCatalog.load(SchemaFiles.fromDirectory(SharedSpark.schemasDir()));
        assertTrue(catalog.all().size() >= 24, "contracts found: " + catalog.all().size());
        final Contract accounts = catalog.get("crm.accounts");
        assertEquals("gbk", accounts.encoding());
        assertEquals("raw_crm__accounts", accounts.bronzeTable());
        assertEquals(ColumnType.parse("decimal(18,2)"), accounts.column("annual_revenue_amount").orElseThrow().type());
    }

    @Test
    void dependencyOrderPutsReferencedEntitiesFirst() {
        final List<String> order = ContractCatalog.load(SchemaFiles.fromDirectory(SharedSpark.schemasDir())).all().stream()
                .map(Contract::qualifiedName).toList();
        assertTrue(order.indexOf("crm.teams") < order.indexOf("crm.employees"));
        assertTrue(order.indexOf("crm.employees") < order.indexOf("crm.accounts"));
        assertTrue(order.indexOf("crm.accounts") < order.indexOf("survey.nps_responses"), "cross-source reference");
        assertTrue(order.indexOf("finance.invoices") < order.indexOf("finance.payments"));
    }

    @Test
    void parsesTypesAliasesAndBounds() {
        final Contract c = ContractCatalog.parse("sources/crm/widgets.yaml", MINIMAL);
        assertEquals(List.of("widget_id", "编号", "Id"), c.column("widget_id").orElseThrow().headerNames());
        assertEquals(0, c.column("price").orElseThrow().min().signum());
        assertEquals(List.of("widgets*.csv"), c.files(), "default file pattern");
        assertEquals(Contract.Format.CSV, c.format());
    }

    @Test
    void rejectsUnknownKeysWithTheFileAndKeyNamed() {
        final ContractException e = assertThrows(ContractException.class,
                () -> ContractCatalog.parse("sources/crm/widgets.yaml", MINIMAL.replace("business_key", "bussiness_key")));
        assertTrue(e.getMessage().contains("sources/crm/widgets.yaml") && e.getMessage().contains("bussiness_key"), e.getMessage());
    }

    @Test
    void rejectsBadTypesMissingKeysAndMisplacedFiles() {
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace("decimal(10,2)", "money"))).getMessage().contains("unknown type 'money'"));
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace("business_key: [widget_id]", "business_key: [nope]"))).getMessage()
                .contains("business_key column nope is not a column"));
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/finance/widgets.yaml",
                MINIMAL)).getMessage().contains("sources/<source>/<entity>.yaml"));
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace("min: 0", "min: 0, formats: [yyyy]"))).getMessage().contains("formats apply to date"));
    }

    @Test
    void rejectsAHeaderClaimedByTwoColumns() {
        final String yaml = MINIMAL.replace("- {name: price, type: \"decimal(10,2)\", min: 0}",
                "- {name: price, type: \"decimal(10,2)\", aliases: [Id]}");
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml", yaml))
                .getMessage().contains("header 'Id' is claimed by both"));
    }

    @Test
    void aHeaderGivingAnotherUnitScalesItsValuesAndOneWithoutADeclaredScaleIsRefused() {
        final String price = "- {name: price, type: \"decimal(10,2)\", min: 0}";
        final Contract c = ContractCatalog.parse("sources/crm/widgets.yaml", MINIMAL.replace(price,
                "- {name: price, type: \"decimal(10,2)\", min: 0, aliases: [\"价格(万元)\", Price], header_scale: {\"价格(万元)\": 10000}}"));
        final ContractColumn p = c.column("price").orElseThrow();
        assertEquals(0, new java.math.BigDecimal("10000").compareTo(p.scaleFor("价格(万元)")));
        assertEquals(0, java.math.BigDecimal.ONE.compareTo(p.scaleFor("Price")), "other headers load as given");
        assertEquals(java.util.Map.of("price", new java.math.BigDecimal("10000")),
                c.mapHeader(List.of("widget_id", "价格(万元)")).scales());
        assertEquals(java.util.Map.of(), c.mapHeader(List.of("widget_id", "Price")).scales());

        // a unit in a numeric header with no factor: refused, the fix named
        final String undeclared = assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace(price, "- {name: price, type: \"decimal(10,2)\", aliases: [\"价格（千元）\"]}"))).getMessage();
        assertTrue(undeclared.contains("gives its values in 千元") && undeclared.contains("header_scale: {\"价格（千元）\": 1000}"),
                undeclared);
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace(price, "- {name: price, type: \"decimal(10,2)\", header_scale: {\"价格(万元)\": 10000}}")))
                .getMessage().contains("not one of the column's headers"));
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace(price, "- {name: price, type: \"decimal(10,2)\", aliases: [P], header_scale: {P: -1}}")))
                .getMessage().contains("must be a positive number"));
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace(price, "- {name: price, type: string, aliases: [P], header_scale: {P: 10}}")))
                .getMessage().contains("header_scale applies to integer, long and decimal columns only"));
    }

    @Test
    void aReferenceByNameNeedsTheReferenceItFills() {
        assertTrue(assertThrows(ContractException.class, () -> ContractCatalog.parse("sources/crm/widgets.yaml",
                MINIMAL.replace("- {name: price, type: \"decimal(10,2)\", min: 0}",
                        "- {name: owner_id, type: string, by_name: {column: owner_name, match: employee_name}}\n"
                        + "  - {name: owner_name, type: string}"))).getMessage().contains("the column needs references:"));
        final Contract accounts = ContractCatalog.load(SchemaFiles.fromDirectory(SharedSpark.schemasDir())).get("crm.accounts");
        final ContractColumn owner = accounts.column("owner_employee_id").orElseThrow();
        assertEquals(new ContractColumn.ByName("owner_name", "employee_name", "updated_at", "hire_date", "termination_date"),
                owner.byName());
        // a header with the owner's name but not their id: the id is not missing, it is filled from the name
        final Contract.HeaderMapping m = accounts.mapHeader(List.of("客户编号", "客户名称", "负责人", "创建日期"));
        assertTrue(m.missingRequired().isEmpty(), m.describeMissingRequired());
        assertEquals(List.of(owner), m.filledByName());
        assertTrue(!m.missingOptional().contains(owner), "not drift: the column is delivered, by name");
        assertEquals("owner_employee_id (header owner_employee_id or 负责人工号 or OwnerId)",
                accounts.mapHeader(List.of("客户编号", "客户名称", "创建日期")).describeMissingRequired());
    }
}

package io.kamwarehouse.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.testing.SharedSpark;

class HeaderMappingTest {

    private final ContractCatalog catalog = ContractCatalog.load(SchemaFiles.fromDirectory(SharedSpark.schemasDir()));

    @Test
    void chineseHeadersOfAJiandaoyunExportMapToCanonicalColumns() {
        final Contract accounts = catalog.get("crm.accounts");
        final Contract.HeaderMapping m = accounts.mapHeader(List.of("\uFEFF客户编号", "客户名称", "客户级别", "负责人工号",
                "创建日期", "备注"));
        assertEquals("account_id", m.positions().get(0).name(), "BOM ignored");
        assertEquals("account_name", m.positions().get(1).name());
        assertEquals("tier", m.positions().get(2).name());
        assertEquals("owner_employee_id", m.positions().get(3).name());
        assertTrue(m.missingRequired().isEmpty());
        assertEquals(List.of("备注"), m.unknownHeaders());
    }

    @Test
    void salesforceHeadersMapRegardlessOfCaseAndSeparators() {
        final Contract opps = catalog.get("crm.opportunities");
        final Contract.HeaderMapping m = opps.mapHeader(List.of("Id", "AccountId", "STAGENAME", "currencyisocode",
                "Owner Id", "CreatedDate"));
        assertEquals(List.of("opportunity_id", "account_id", "stage", "currency_code", "created_at"),
                m.positions().stream().filter(java.util.Objects::nonNull).map(ContractColumn::name)
                        .filter(n -> !n.equals("owner_employee_id")).toList());
        // "Owner Id" normalises to owner_id, which is not an alias of owner_employee_id: it is reported missing.
        assertEquals("owner_employee_id", m.missingRequired().get(0).name());
        assertTrue(m.describeMissingRequired().contains("OwnerId"), m.describeMissingRequired());
    }
}

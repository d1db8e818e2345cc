package io.kamwarehouse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Encodings of the accounts extract (declared GBK): real GBK Chinese reads as GBK; Latin-1 text,
 * which GBK also decodes but into rare characters ("Soci閠閟 G閚閞ales"), is refused with the fix
 * instead of loading garbled names.
 */
class FileInspectorTest {

    @TempDir
    Path dir;

    private static Contract accounts() {
        return ContractCatalog.load(SchemaFiles.load(SharedSpark.schemasDir().toString())).get("crm.accounts");
    }

    @Test
    void latinOneTextDeclaredGbkIsRefusedAsAProbableEncodingMistake() throws Exception {
        final Path f = dir.resolve("accounts_20261001.csv");
        Files.write(f, "account_id,account_name\nA1,Sociétés Générales\nA2,Crédit Agricole\n".getBytes(Charset.forName("ISO-8859-1")));
        final KamwException e = assertThrows(KamwException.class,
                () -> new FileInspector(new Configuration()).inspect("file:" + f, accounts()));
        assertTrue(e.getMessage().contains("accounts_20261001.csv: it decodes as GBK only into rare characters"), e.getMessage());
        assertTrue(e.getMessage().contains("Latin-1 or Windows-1252") && e.getMessage().contains("re-export it as UTF-8"), e.getMessage());
    }

    @Test
    void chineseGbkTextReadsAsGbk() throws Exception {
        final Path f = dir.resolve("accounts_20261001.csv");
        Files.write(f, "客户编号,客户名称\nA1,华东精密制造有限公司\nA2,上海医疗器械股份有限公司\n".getBytes(Charset.forName("GBK")));
        assertEquals("GBK", new FileInspector(new Configuration()).inspect("file:" + f, accounts()).charset().name());
        assertEquals(0, FileInspector.rareGbk("华东精密制造有限公司".getBytes(Charset.forName("GBK")))[0]);
    }
}

package io.kamwarehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.testing.SharedSpark;

/** Small warehouses run interpreted; large ones, and sessions told otherwise, keep code generation. */
class SmallWarehouseTest {

    @TempDir
    Path dir;

    /** A session with Spark's own code-generation defaults (the test session sets them explicitly). */
    private static SparkSession untold() {
        final SparkSession s = SparkSessions.childOf(SharedSpark.spark());
        s.conf().unset(SmallWarehouse.WHOLE_STAGE);
        s.conf().unset(SmallWarehouse.FACTORY_MODE);
        return s;
    }

    /** A warehouse with {@code bronze} bytes in a bronze table's file and {@code landing} bytes of extracts. */
    private WarehouseConfig warehouse(final int bronze, final int landing) throws Exception {
        final Path table = Files.createDirectories(dir.resolve("wh/bronze/raw_crm__accounts"));
        Files.write(table.resolve("part-0.parquet"), new byte[bronze]);
        final Path drop = Files.createDirectories(dir.resolve("wh/landing/crm/2026-10-01"));
        Files.write(drop.resolve("accounts.csv"), new byte[landing]);
        return SharedSpark.config(dir.resolve("wh"));
    }

    @Test
    void aWarehouseUnderTheBoundIsInterpreted() throws Exception {
        final SparkSession s = untold();
        s.conf().set(SmallWarehouse.MAX_BYTES_CONF, "1000");
        final Optional<String> said = SmallWarehouse.apply(s, warehouse(400, 900));
        assertTrue(said.isPresent(), "900 bytes of extracts is under 1000");
        assertTrue(said.get().contains("interpreted"), said.get());
        assertEquals("false", s.conf().get(SmallWarehouse.WHOLE_STAGE));
        assertEquals("NO_CODEGEN", s.conf().get(SmallWarehouse.FACTORY_MODE));
    }

    @Test
    void theLargerOfBronzeAndLandingDecides() throws Exception {
        final SparkSession s = untold();
        s.conf().set(SmallWarehouse.MAX_BYTES_CONF, "1000");
        assertFalse(SmallWarehouse.apply(s, warehouse(1500, 10)).isPresent(), "1500 bytes of bronze is over 1000");
        assertFalse(s.conf().contains(SmallWarehouse.WHOLE_STAGE), "code generation left at Spark's default");
    }

    @Test
    void anExplicitSettingOrZeroLeavesCodeGenerationOn() throws Exception {
        final SparkSession told = untold();
        told.conf().set(SmallWarehouse.WHOLE_STAGE, "true");
        assertFalse(SmallWarehouse.apply(told, warehouse(10, 10)).isPresent());
        assertEquals("true", told.conf().get(SmallWarehouse.WHOLE_STAGE));

        final SparkSession off = untold();
        off.conf().set(SmallWarehouse.MAX_BYTES_CONF, "0");
        assertFalse(SmallWarehouse.apply(off, warehouse(10, 10)).isPresent());
        assertFalse(off.conf().contains(SmallWarehouse.WHOLE_STAGE));
    }

    @Test
    void aWarehouseInObjectStorageIsNotListed() throws Exception {
        assertTrue(warehouse(10, 10).isLocal(), "a folder on this machine is measured");
        for (final String root : java.util.List.of("s3a://bucket/warehouse", "hdfs://namenode/warehouse")) {
            final SparkSession s = untold();
            final WarehouseConfig remote = WarehouseConfig.resolve(root, root + "/landing", null, "local[2]", java.util.Map.of());
            assertFalse(remote.isLocal(), root + " is not on this machine's disk, so it is not listed");
            assertFalse(SmallWarehouse.apply(s, remote).isPresent(), root);
            assertFalse(s.conf().contains(SmallWarehouse.WHOLE_STAGE), root + ": code generation left at Spark's default");
        }
    }

    @Test
    void aBoundThatIsNotANumberIsRefused() throws Exception {
        final SparkSession s = untold();
        s.conf().set(SmallWarehouse.MAX_BYTES_CONF, "32m");
        final KamwException e = assertThrows(KamwException.class, () -> SmallWarehouse.apply(s, warehouse(10, 10)));
        assertTrue(e.getMessage().contains("kamw.smallWarehouse.maxBytes=32m"), e.getMessage());
    }
}

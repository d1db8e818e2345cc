package io.kamwarehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;

/**
 * The warehouse lease on a local folder: one holder at a time, a second writer refused with the
 * holder named or waiting for it, a lease whose process is gone or whose heartbeat stopped taken
 * over (and said so), and two processes racing for it never writing at the same time.
 */
class WarehouseLeaseTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private String root() {
        return "file:" + dir.toAbsolutePath();
    }

    private WarehouseLease take(final String runId, final String command, final Duration wait, final List<String> said) {
        return WarehouseLease.acquire(new Configuration(), root(), runId, command, wait, TIMEOUT, said::add);
    }

    /** A lease file as another holder left it. */
    private void writeLease(final String runId, final String host, final long pid, final Instant heartbeat, final String step)
            throws IOException {
        Files.writeString(dir.resolve(WarehouseLease.FILE), "{\"run_id\":\"" + runId + "\",\"user\":\"ops\",\"host\":\"" + host
                + "\",\"pid\":" + pid + ",\"command\":\"kamw pipeline --date 2026-10-01\",\"started\":\"" + heartbeat.minusSeconds(60)
                + "\",\"heartbeat\":\"" + heartbeat + "\",\"step\":\"" + step + "\"}");
    }

    @Test
    void heldUntilClosedAndTheSecondWriterIsRefusedWithTheHolderNamed() {
        final List<String> said = new ArrayList<>();
        try (WarehouseLease first = take("R1", "kamw pipeline", Duration.ZERO, said)) {
            assertTrue(Files.exists(dir.resolve(WarehouseLease.FILE)));
            assertEquals("R1", WarehouseLease.holder(new Configuration(), root()).orElseThrow().runId());
            final KamwException e = assertThrows(KamwException.class, () -> take("R2", "kamw ingest", Duration.ZERO, said));
            assertEquals(WarehouseLease.EXIT_BUSY, e.exitCode());
            assertTrue(e.getMessage().contains("is in use by 'kamw pipeline' (run R1, "), e.getMessage());
            assertTrue(e.getMessage().contains("--wait"), e.getMessage());
            assertFalse(first.takenOver().isPresent());
        }
        assertFalse(Files.exists(dir.resolve(WarehouseLease.FILE)), "released");
        try (WarehouseLease again = take("R3", "kamw run x", Duration.ZERO, said)) {
            assertEquals("R3", again.self().runId());
        }
    }

    @Test
    void aWaitingWriterGetsTheLeaseWhenTheHolderFinishes() throws Exception {
        final List<String> said = new CopyOnWriteArrayList<>();
        final WarehouseLease first = take("R1", "kamw pipeline", Duration.ZERO, said);
        final CompletableFuture<WarehouseLease> second = CompletableFuture.supplyAsync(
                () -> take("R2", "kamw bonus close --period 2026-Q3", Duration.ofSeconds(30), said));
        Thread.sleep(1500);
        assertFalse(second.isDone(), "waits while the first holds it");
        first.close();
        try (WarehouseLease got = second.get(20, TimeUnit.SECONDS)) {
            assertEquals("R2", got.self().runId());
        }
        assertTrue(said.stream().anyMatch(s -> s.startsWith("waiting for the warehouse lease held by 'kamw pipeline' (run R1")), said.toString());
    }

    @Test
    void aWaitThatRunsOutIsRefused() {
        try (WarehouseLease first = take("R1", "kamw pipeline", Duration.ZERO, new ArrayList<>())) {
            final long t0 = System.nanoTime();
            final KamwException e = assertThrows(KamwException.class, () -> take("R2", "kamw ingest", Duration.ofSeconds(1),
                    new ArrayList<>()));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(900), "waited about a second");
            assertEquals(WarehouseLease.EXIT_BUSY, e.exitCode());
        }
    }

    @Test
    void aLeaseWhoseProcessIsGoneIsTakenOverAndSaidSo() throws Exception {
        final Process p = new ProcessBuilder(javaBin(), "-version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        writeLease("R-old", WarehouseLease.localHost(), p.pid(), Instant.now(), "[12/80] build dim_account");
        final List<String> said = new ArrayList<>();
        try (WarehouseLease lease = take("R-new", "kamw pipeline", Duration.ZERO, said)) {
            final WarehouseLease.Takeover t = lease.takenOver().orElseThrow();
            assertEquals("R-old", t.previous().runId());
            assertEquals("[12/80] build dim_account", t.previous().step());
            assertTrue(t.reason().contains("its process " + p.pid() + " no longer runs"), t.reason());
            assertTrue(said.get(0).startsWith("warning: took over the warehouse lease of 'kamw pipeline --date 2026-10-01' (run R-old"),
                    said.toString());
            assertTrue(said.get(0).contains("last step: [12/80] build dim_account"), said.toString());
        }
    }

    @Test
    void aLeaseOfALiveProcessOnThisHostIsNotTakenOverWhileItsHeartbeatIsFresh() throws Exception {
        final Process alive = new ProcessBuilder("sleep", "30").start();
        try {
            writeLease("R-live", WarehouseLease.localHost(), alive.pid(), Instant.now(), "");
            assertEquals(WarehouseLease.EXIT_BUSY,
                    assertThrows(KamwException.class, () -> take("R2", "kamw ingest", Duration.ZERO, new ArrayList<>())).exitCode());
            // the same holder silent for longer than the timeout (hung) is taken over
            writeLease("R-live", WarehouseLease.localHost(), alive.pid(), Instant.now().minus(Duration.ofMinutes(5)), "");
            try (WarehouseLease lease = take("R3", "kamw ingest", Duration.ZERO, new ArrayList<>())) {
                assertTrue(lease.takenOver().orElseThrow().reason().startsWith("no heartbeat for 3"), lease.takenOver().toString());
            }
        } finally {
            alive.destroyForcibly();
        }
    }

    @Test
    void aLeaseFromAnotherHostIsJudgedByItsHeartbeatOnly() throws Exception {
        writeLease("R-far", "another-host.example", 1, Instant.now(), "");
        assertThrows(KamwException.class, () -> take("R2", "kamw ingest", Duration.ZERO, new ArrayList<>()));
        writeLease("R-far", "another-host.example", 1, Instant.now().minus(Duration.ofMinutes(3)), "");
        try (WarehouseLease lease = take("R2", "kamw ingest", Duration.ZERO, new ArrayList<>())) {
            assertEquals("R-far", lease.takenOver().orElseThrow().previous().runId());
        }
    }

    @Test
    void theHeartbeatMovesAndCarriesTheStepAndALostLeaseIsNoticed() throws Exception {
        final WarehouseLease lease = WarehouseLease.acquire(new Configuration(), root(), "R1", "kamw pipeline", Duration.ZERO,
                Duration.ofMillis(800), s -> { });
        try {
            final Instant started = lease.self().started();
            lease.step("[3/80] build stg_crm__accounts");
            Thread.sleep(700);
            final WarehouseLease.Holder now = WarehouseLease.holder(new Configuration(), root()).orElseThrow();
            assertTrue(now.heartbeat().isAfter(started), now.toString());
            assertEquals("[3/80] build stg_crm__accounts", now.step());
            assertNull(lease.lost());
            writeLease("R-other", "another-host.example", 1, Instant.now(), "");
            Thread.sleep(700);
            assertNotNull(lease.lost());
            assertTrue(lease.lost().contains("run R-other"), lease.lost());
        } finally {
            lease.close();
        }
        assertEquals("R-other", WarehouseLease.holder(new Configuration(), root()).orElseThrow().runId(),
                "closing a lost lease leaves the new holder's file alone");
    }

    @Test
    void anAbandonedLeaseIsTakenOverAtOnceWithTheStepItWasOn() {
        final WarehouseLease lease = take("R1", "kamw pipeline", Duration.ZERO, new ArrayList<>());
        lease.step("[40/80] build fct_account_month");
        lease.abandon();
        try (WarehouseLease next = take("R2", "kamw pipeline", Duration.ZERO, new ArrayList<>())) {
            final WarehouseLease.Takeover t = next.takenOver().orElseThrow();
            assertEquals("R1", t.previous().runId());
            assertEquals("stopped by a signal during: [40/80] build fct_account_month", t.previous().step());
        }
    }

    @Test
    void theTimeoutComesFromTheSettingsAndABadOneIsRefused() {
        assertEquals(Duration.ofSeconds(30), WarehouseLease.timeout(Map.of(WarehouseLease.TIMEOUT_CONF, "30")));
        final KamwException e = assertThrows(KamwException.class,
                () -> WarehouseLease.timeout(Map.of(WarehouseLease.TIMEOUT_CONF, "soon")));
        assertTrue(e.getMessage().contains("kamw.lease.timeout=soon is not a number of seconds"), e.getMessage());
    }

    /**
     * Two processes, each taking the lease three times (waiting for it) and writing a start and an
     * end line while they hold it: the lines never interleave.
     */
    @Test
    void twoProcessesRacingForTheLeaseNeverHoldItTogether() throws Exception {
        final Path log = dir.resolve("held.log");
        Files.createFile(log);
        final List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"), LeaseHolderMain.class.getName(),
                    root(), log.toString(), "P" + i).redirectErrorStream(true).start());
        }
        for (final Process p : ps) {
            final String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
            assertEquals(0, p.exitValue(), out);
        }
        final List<String> lines = Files.readAllLines(log);
        assertEquals(12, lines.size(), lines.toString());
        for (int i = 0; i < lines.size(); i += 2) {
            final String holder = lines.get(i).substring("start ".length());
            assertEquals("start " + holder, lines.get(i), lines.toString());
            assertEquals("end " + holder, lines.get(i + 1), "nobody else held it in between: " + lines);
        }
        assertFalse(Files.exists(dir.resolve(WarehouseLease.FILE)));
    }

    private static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}

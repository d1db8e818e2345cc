package io.kamwarehouse.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak memory over a stretch of work: the resident set's high-water mark ({@code VmHWM}
 * of {@code /proc/self/status}, which counts Spark, the JVM heap and DuckDB's native memory alike) and
 * the JVM heap's peak. {@link #reset()} starts a new stretch: Linux resets the high-water mark when "5"
 * is written to {@code /proc/self/clear_refs}; where that is not allowed (or not Linux) the figure is
 * the peak since the process started, and {@link #resettable()} says so.
 */
final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final boolean resettable;

    PeakMemory() {
        this.resettable = tryReset();
    }

    boolean resettable() {
        return resettable;
    }

    /** Starts a new measuring stretch. */
    void reset() {
        if (resettable) {
            tryReset();
        }
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Peak resident set since the last reset, in MiB (-1 where /proc is absent). */
    long peakRssMib() {
        return statusKib("VmHWM:") / 1024;
    }

    /** Peak JVM heap in use since the last reset (sum of the heap pools' peaks, an upper bound), in MiB. */
    long peakHeapMib() {
        long bytes = 0;
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024 * 1024);
    }

    private static boolean tryReset() {
        try {
            Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
            return true;
        } catch (final IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long statusKib(final String key) {
        try {
            for (final String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (final IOException | NumberFormatException | SecurityException e) {
            return -1024;
        }
        return -1024;
    }
}

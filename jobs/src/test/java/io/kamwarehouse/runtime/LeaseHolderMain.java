package io.kamwarehouse.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.apache.hadoop.conf.Configuration;

/**
 * A process of {@link WarehouseLeaseTest}: takes the lease of the warehouse {@code args[0]} three
 * times, waiting for it, and appends {@code start NAME} and {@code end NAME} to {@code args[1]}
 * while it holds it.
 */
public final class LeaseHolderMain {

    private LeaseHolderMain() {
    }

    public static void main(final String[] args) throws Exception {
        final Path log = Path.of(args[1]);
        for (int i = 0; i < 3; i++) {
            try (WarehouseLease lease = WarehouseLease.acquire(new Configuration(), args[0], args[2] + "-" + i, "test " + args[2],
                    Duration.ofSeconds(60), Duration.ofSeconds(30), s -> { })) {
                Files.writeString(log, "start " + args[2] + "-" + i + "\n", StandardOpenOption.APPEND);
                Thread.sleep(150);
                Files.writeString(log, "end " + args[2] + "-" + i + "\n", StandardOpenOption.APPEND);
            }
            Thread.sleep(20);
        }
    }
}

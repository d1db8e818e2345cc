package io.kamwarehouse;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Delta's optimistic concurrency, for writes that may race another writer (the warehouse lease
 * off, or taken over from a writer that was only stalled): a commit that finds another commit in
 * its way fails with a {@code DeltaConcurrentModificationException}
 * ({@code ConcurrentAppendException}, {@code ConcurrentDeleteReadException} and friends); the
 * write is then done again from the table's new state, a bounded number of times. Each write
 * this wraps is safe to repeat: it replaces its own rows, or decides again from what is now
 * there.
 */
public final class Conflicts {

    /** How many times a write is tried in all. */
    public static final int ATTEMPTS = 5;

    private Conflicts() {
    }

    /** The Delta conflict that {@code t} is or was caused by, or null. */
    public static Throwable conflict(final Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof org.apache.spark.sql.delta.DeltaConcurrentModificationException) {
                return c;
            }
        }
        return null;
    }

    /**
     * Runs {@code write}, again from the start while it fails with a Delta conflict (at most
     * {@value #ATTEMPTS} times in all, waiting a little longer each time); {@code say} hears each
     * retry. Anything else, or the last conflict, is thrown as it came.
     */
    public static <T> T retrying(final String what, final Consumer<String> say, final Supplier<T> write) {
        for (int attempt = 1;; attempt++) {
            try {
                return write.get();
            } catch (final RuntimeException e) {
                if (!again(what, say, e, attempt)) {
                    throw e;
                }
            }
        }
    }

    /**
     * True when {@code e} is a Delta conflict and attempt {@code attempt} was not the last: says
     * so and waits a little (longer each time) before the caller tries again.
     */
    public static boolean again(final String what, final Consumer<String> say, final Throwable e, final int attempt) {
        final Throwable c = conflict(e);
        if (c == null || attempt >= ATTEMPTS) {
            return false;
        }
        say.accept(what + ": another writer committed first (" + c.getClass().getSimpleName() + "); trying again from "
                + "the table's new state (attempt " + (attempt + 1) + " of " + ATTEMPTS + ")");
        pause(attempt);
        return true;
    }

    /** {@link #retrying(String, Consumer, Supplier)} for a write with no result. */
    public static void retrying(final String what, final Consumer<String> say, final Runnable write) {
        retrying(what, say, () -> {
            write.run();
            return null;
        });
    }

    private static void pause(final int attempt) {
        try {
            // 0.5, 1, 2, 4 s, each with up to half again at random so two writers do not meet again
            final long ms = 500L << (attempt - 1);
            Thread.sleep(ms + java.util.concurrent.ThreadLocalRandom.current().nextLong(ms / 2 + 1));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to write again", e);
        }
    }
}

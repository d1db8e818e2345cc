package io.kamwarehouse.runtime;

/**
 * With {@code -Dkamw.profile=true} or {@code =jobs} (for example in {@code KAMW_JAVA_OPTS}), prints the time each
 * step of a job took on standard error; otherwise does nothing.
 */
public final class StepTimer {

    private long last = System.nanoTime();

    /** Starts timing from now. */
    public void reset() {
        last = System.nanoTime();
    }

    /** Prints the time since the previous step (or reset) under the given name. */
    public void lap(final String step) {
        if (JobCounter.enabled()) {
            final long now = System.nanoTime();
            System.err.printf("    %-28s %6d ms%n", step, (now - last) / 1_000_000);
            last = now;
        }
    }
}

package io.kamwarehouse.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kamwarehouse.KamwException;

/**
 * One writer at a time per warehouse: a lease file, {@value #FILE} at the warehouse root, created
 * only where none exists (an atomic create-if-absent on a local folder and on HDFS; on object
 * storage as strong as the store's put-if-absent). It names its holder (user, host, process id,
 * command, run id), when it started, its last heartbeat and the step it was on. Every command that
 * writes the warehouse takes it before Spark starts and gives it back when it ends; read-only
 * commands never touch it.
 *
 * <p>A lease whose holder is gone is taken over: its process no longer runs on this host, or its
 * heartbeat is older than the timeout (another host, or a hung process). The takeover moves the
 * old file aside first, so of two writers that see the same stale lease only one takes it; the
 * old holder's run is then reported as interrupted (see {@link #takenOver()}).
 */
public final class WarehouseLease implements AutoCloseable {

    /** The lease file, at the warehouse root (Delta ignores names starting with {@code _}). */
    public static final String FILE = "_kamw_lease.json";
    /** Setting ({@code --conf} or environment {@value #TIMEOUT_ENV}): seconds without a heartbeat after which a lease is stale. */
    public static final String TIMEOUT_CONF = "kamw.lease.timeout";
    /**
     * Spark conf that switches the lease off ({@code false}) for a warehouse whose writers are kept
     * apart by something else; writes stay safe to repeat and to race without it.
     */
    public static final String ENABLED_CONF = "kamw.lease.enabled";
    public static final String TIMEOUT_ENV = "KAMW_LEASE_TIMEOUT";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    /** Exit code of a command refused because another writer holds the lease (sysexits' "try again later"). */
    public static final int EXIT_BUSY = 75;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who holds a lease, as its file says. */
    public record Holder(String runId, String user, String host, long pid, String command, Instant started,
            Instant heartbeat, String step) {

        /** One line: {@code pipeline --date 2026-10-01 (run R, alice@host pid 123) since 10:01:02Z}. */
        public String describe() {
            return "'" + command + "' (run " + runId + ", " + user + "@" + host + " pid " + pid + ") since " + started;
        }

        /** Why this lease no longer holds, or empty while its holder may still be working. */
        Optional<String> gone(final Instant now, final Duration timeout) {
            if (host.equals(localHost()) && pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of("its process " + pid + " no longer runs on " + host);
            }
            final Duration silent = Duration.between(heartbeat, now);
            if (silent.compareTo(timeout) > 0) {
                return Optional.of("no heartbeat for " + silent.toSeconds() + " s (timeout " + timeout.toSeconds() + " s, "
                        + TIMEOUT_CONF + ")");
            }
            return Optional.empty();
        }
    }

    /** A lease taken over from a holder that was gone, and why it was judged gone. */
    public record Takeover(Holder previous, String reason) {
    }

    private final Store store;
    private final Holder self;
    private final Takeover takenOver;
    private final ScheduledExecutorService beat;
    private volatile String step = "";
    private volatile String lost;
    private volatile boolean released;

    private WarehouseLease(final Store store, final Holder self, final Takeover takenOver, final Duration timeout) {
        this.store = store;
        this.self = self;
        this.takenOver = takenOver;
        this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "kamw-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        final long every = Math.max(200, timeout.toMillis() / 4);
        beat.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease of the warehouse at {@code root} for {@code command}, run {@code runId}.
     *
     * @param wait    how long to wait for another holder to finish: zero refuses at once, null waits for ever
     * @param timeout heartbeat age after which a lease is stale
     * @param say     where waiting and takeovers are told
     * @throws KamwException with exit code {@value #EXIT_BUSY} naming the holder when it is not free in time
     */
    public static WarehouseLease acquire(final Configuration hadoop, final String root, final String runId,
            final String command, final Duration wait, final Duration timeout, final Consumer<String> say) {
        final Store store = Store.of(hadoop, root);
        final Instant deadline = wait == null ? null : Instant.now().plus(wait);
        boolean told = false;
        while (true) {
            final Instant now = Instant.now();
            final Holder self = new Holder(runId, user(), localHost(), ProcessHandle.current().pid(), command, now, now, "");
            if (store.createIfAbsent(json(self, ""))) {
                return new WarehouseLease(store, self, null, timeout);
            }
            final Optional<Holder> current = store.read();
            if (current.isEmpty()) {
                continue; // released between our create and our read: try again at once
            }
            final Holder h = current.get();
            final Optional<String> gone = h.gone(now, timeout);
            if (gone.isPresent()) {
                if (store.moveAside(h.runId())) {
                    if (store.createIfAbsent(json(self, ""))) {
                        say.accept("warning: took over the warehouse lease of " + h.describe() + ": " + gone.get()
                                + "; that run did not finish" + (h.step().isEmpty() ? "" : " (last step: " + h.step() + ")"));
                        return new WarehouseLease(store, self, new Takeover(h, gone.get()), timeout);
                    }
                }
                continue; // another writer took it over first: look again
            }
            if (deadline != null && !now.isBefore(deadline)) {
                throw new KamwException("the warehouse " + root + " is in use by " + h.describe() + ", last heartbeat "
                        + h.heartbeat() + (h.step().isEmpty() ? "" : ", now at: " + h.step())
                        + ". Wait for it with --wait [SECONDS], or run again when it has finished", EXIT_BUSY, null);
            }
            if (!told) {
                say.accept("waiting for the warehouse lease held by " + h.describe()
                        + (wait == null ? "" : " (up to " + wait.toSeconds() + " s)"));
                told = true;
            }
            sleep(Math.min(1000, deadline == null ? 1000 : Math.max(50, Duration.between(now, deadline).toMillis())));
        }
    }

    /** The lease's current holder at {@code root}, if any (read only: status and tests). */
    public static Optional<Holder> holder(final Configuration hadoop, final String root) {
        return Store.of(hadoop, root).read();
    }

    /** Why the holder at {@code root} is gone (its run interrupted), or empty when it may still be working. */
    public static Optional<String> gone(final Holder holder, final Duration timeout) {
        return holder.gone(Instant.now(), timeout);
    }

    /** False when {@value #ENABLED_CONF} switches the lease off. */
    public static boolean enabled(final Map<String, String> conf) {
        final String v = conf.getOrDefault(ENABLED_CONF, "true").trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new KamwException(ENABLED_CONF + "=" + v + " is not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /** The stale-lease timeout from {@code --conf} settings, else {@value #TIMEOUT_ENV}, else the default. */
    public static Duration timeout(final Map<String, String> conf) {
        final String v = Optional.ofNullable(conf.get(TIMEOUT_CONF)).orElse(System.getenv(TIMEOUT_ENV));
        if (v == null || v.isBlank()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            final long s = Long.parseLong(v.trim());
            if (s > 0) {
                return Duration.ofSeconds(s);
            }
        } catch (final NumberFormatException e) {
            // below
        }
        throw new KamwException(TIMEOUT_CONF + "=" + v.trim() + " is not a number of seconds: give a whole number above 0");
    }

    /** The holder this lease records. */
    public Holder self() {
        return self;
    }

    /** The stale lease this one replaced, if it did. */
    public Optional<Takeover> takenOver() {
        return Optional.ofNullable(takenOver);
    }

    /**
     * What the holder is doing now, shown to waiting writers, by status and in the record of an
     * interrupted run: written at once when the lease file was last written more than
     * {@value #STEP_WRITE_MILLIS} ms ago, else with the next heartbeat.
     */
    public void step(final String what) {
        this.step = what == null ? "" : what;
        if (System.currentTimeMillis() - lastWrite > STEP_WRITE_MILLIS && !released) {
            try {
                beat.execute(this::heartbeat);
            } catch (final java.util.concurrent.RejectedExecutionException e) {
                // released meanwhile
            }
        }
    }

    /** The shortest time between two writes of the lease file for a new step. */
    static final long STEP_WRITE_MILLIS = 5_000;
    private volatile long lastWrite = System.currentTimeMillis();

    /** Why this process lost the lease while it ran (another writer took it over), or null. */
    public String lost() {
        return lost;
    }

    private synchronized void heartbeat() {
        if (released || lost != null) {
            return;
        }
        try {
            final Optional<Holder> now = store.read();
            if (now.isEmpty() || !now.get().runId().equals(self.runId())) {
                lost = now.map(h -> "taken over by " + h.describe()).orElse("its file was removed");
                return;
            }
            store.replace(json(new Holder(self.runId(), self.user(), self.host(), self.pid(), self.command(), self.started(),
                    Instant.now(), ""), step));
            lastWrite = System.currentTimeMillis();
        } catch (final RuntimeException e) {
            // a missed heartbeat is retried at the next beat; the timeout allows for several
        }
    }

    /**
     * Marks the lease as given up by a run that did not finish (the JVM is shutting down before
     * {@link #close()}): its heartbeat is set to the epoch, so the next writer takes it over at
     * once and records this run as interrupted, with the step it was on.
     */
    public synchronized void abandon() {
        if (released || lost != null) {
            return;
        }
        released = true;
        beat.shutdownNow();
        try {
            final Optional<Holder> now = store.read();
            if (now.isPresent() && now.get().runId().equals(self.runId())) {
                store.replace(json(new Holder(self.runId(), self.user(), self.host(), self.pid(), self.command(), self.started(),
                        Instant.EPOCH, ""), "stopped by a signal" + (step.isEmpty() ? "" : " during: " + step)));
            }
        } catch (final RuntimeException e) {
            // the lease stays as it was: the next writer takes it over when its heartbeat is stale
        }
    }

    /** Gives the lease back (only if it is still ours). */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        beat.shutdownNow();
        final Optional<Holder> now = store.read();
        if (now.isPresent() && now.get().runId().equals(self.runId())) {
            store.delete();
        }
    }

    private static String json(final Holder h, final String step) {
        final ObjectNode n = JSON.createObjectNode();
        n.put("run_id", h.runId());
        n.put("user", h.user());
        n.put("host", h.host());
        n.put("pid", h.pid());
        n.put("command", h.command());
        n.put("started", h.started().toString());
        n.put("heartbeat", h.heartbeat().toString());
        n.put("step", step);
        return n.toString();
    }

    static Holder parse(final String text, final Instant modified) {
        try {
            final JsonNode n = JSON.readTree(text);
            return new Holder(n.path("run_id").asText("?"), n.path("user").asText("?"), n.path("host").asText("?"),
                    n.path("pid").asLong(-1), n.path("command").asText("?"), Instant.parse(n.path("started").asText()),
                    Instant.parse(n.path("heartbeat").asText()), n.path("step").asText(""));
        } catch (final IOException | RuntimeException e) {
            // being rewritten, or not ours: judge it by the file's own time
            return new Holder("?", "?", "?", -1, "unknown (unreadable lease file)", modified, modified, "");
        }
    }

    private static String user() {
        return System.getProperty("user.name", "unknown");
    }

    private static volatile String host;

    static String localHost() {
        if (host == null) {
            String h;
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (final IOException e) {
                h = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
            }
            host = h;
        }
        return host;
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KamwException("interrupted while waiting for the warehouse lease", EXIT_BUSY, e);
        }
    }

    /** The lease file on a local folder (java.nio, whose create-new is atomic) or any Hadoop file system. */
    private abstract static class Store {

        static Store of(final Configuration hadoop, final String root) {
            if (root.startsWith("file:") || !root.contains(":")) {
                return new Local(WarehouseConfig.localPath(root.contains(":") ? root : "file:" + java.nio.file.Path.of(root)
                        .toAbsolutePath()).resolve(FILE));
            }
            return new Hadoop(hadoop, new Path(root, FILE));
        }

        abstract boolean createIfAbsent(String text);

        abstract Optional<Holder> read();

        /** Moves the lease aside if it is still {@code runId}'s; false when another writer moved or replaced it first. */
        abstract boolean moveAside(String runId);

        abstract void replace(String text);

        abstract void delete();
    }

    private static final class Local extends Store {
        private final java.nio.file.Path file;

        Local(final java.nio.file.Path file) {
            this.file = file;
        }

        @Override
        boolean createIfAbsent(final String text) {
            try {
                Files.createDirectories(file.getParent());
                final java.nio.file.Path tmp = Files.createTempFile(file.getParent(), FILE, ".new");
                Files.writeString(tmp, text);
                try {
                    // a hard link appears whole or not at all, and fails where the name exists
                    Files.createLink(file, tmp);
                    return true;
                } catch (final FileAlreadyExistsException e) {
                    return false;
                } catch (final UnsupportedOperationException | IOException e) {
                    try {
                        Files.writeString(file, text, java.nio.file.StandardOpenOption.CREATE_NEW,
                                java.nio.file.StandardOpenOption.WRITE);
                        return true;
                    } catch (final FileAlreadyExistsException e2) {
                        return false;
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot write the warehouse lease " + file, e);
            }
        }

        @Override
        Optional<Holder> read() {
            try {
                final Instant modified = Files.getLastModifiedTime(file).toInstant();
                return Optional.of(parse(Files.readString(file), modified));
            } catch (final NoSuchFileException e) {
                return Optional.empty();
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot read the warehouse lease " + file, e);
            }
        }

        @Override
        boolean moveAside(final String runId) {
            final java.nio.file.Path aside = file.resolveSibling(FILE + ".stale-" + java.util.UUID.randomUUID());
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (final NoSuchFileException e) {
                return false;
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot take over the warehouse lease " + file, e);
            }
            try {
                final Holder moved = parse(Files.readString(aside), Files.getLastModifiedTime(aside).toInstant());
                if (!moved.runId().equals(runId)) {
                    // a fresh lease replaced the stale one before we moved it: put it back
                    Files.createLink(file, aside);
                    return false;
                }
                return true;
            } catch (final IOException e) {
                return false;
            } finally {
                try {
                    Files.deleteIfExists(aside);
                } catch (final IOException e) {
                    // left beside the lease; harmless
                }
            }
        }

        @Override
        void replace(final String text) {
            try {
                final java.nio.file.Path tmp = Files.createTempFile(file.getParent(), FILE, ".beat");
                Files.writeString(tmp, text);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot release the warehouse lease " + file, e);
            }
        }
    }

    private static final class Hadoop extends Store {
        private final Configuration conf;
        private final Path file;

        Hadoop(final Configuration conf, final Path file) {
            this.conf = conf;
            this.file = file;
        }

        private FileSystem fs() throws IOException {
            return file.getFileSystem(conf);
        }

        @Override
        boolean createIfAbsent(final String text) {
            try (OutputStream out = fs().createFile(file).overwrite(false).recursive().build()) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                return true;
            } catch (final org.apache.hadoop.fs.FileAlreadyExistsException e) {
                return false;
            } catch (final IOException e) {
                if (exists()) {
                    return false; // stores that report an existing object with another exception
                }
                throw new UncheckedIOException("cannot write the warehouse lease " + file, e);
            }
        }

        private boolean exists() {
            try {
                return fs().exists(file);
            } catch (final IOException e) {
                return false;
            }
        }

        @Override
        Optional<Holder> read() {
            try {
                final FileSystem fs = fs();
                final Instant modified = Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime());
                try (InputStream in = fs.open(file)) {
                    return Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), modified));
                }
            } catch (final java.io.FileNotFoundException e) {
                return Optional.empty();
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot read the warehouse lease " + file, e);
            }
        }

        @Override
        boolean moveAside(final String runId) {
            try {
                final Path aside = new Path(file.getParent(), FILE + ".stale-" + java.util.UUID.randomUUID());
                if (!fs().rename(file, aside)) {
                    return false;
                }
                try (InputStream in = fs().open(aside)) {
                    final Holder moved = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), Instant.EPOCH);
                    if (!moved.runId().equals(runId)) {
                        fs().rename(aside, file);
                        return false;
                    }
                    return true;
                } finally {
                    fs().delete(aside, false);
                }
            } catch (final IOException e) {
                return false;
            }
        }

        @Override
        void replace(final String text) {
            try (OutputStream out = fs().createFile(file).overwrite(true).build()) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void delete() {
            try {
                fs().delete(file, false);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot release the warehouse lease " + file, e);
            }
        }
    }
}

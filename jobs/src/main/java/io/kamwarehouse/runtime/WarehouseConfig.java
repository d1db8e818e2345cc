package io.kamwarehouse.runtime;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.KamwException;

/**
 * Where the warehouse lives and how Spark runs, resolved once from the command line, environment
 * variables and defaults. The warehouse root is a Hadoop URI: a local folder by default, an
 * {@code s3a://} or {@code hdfs://} location by configuration only.
 */
public final class WarehouseConfig {

    /** Environment variable naming the warehouse root (overridden by {@code --warehouse}). */
    public static final String ENV_WAREHOUSE = "KAMW_WAREHOUSE";
    /** Environment variable naming the landing folder for raw extracts. */
    public static final String ENV_LANDING = "KAMW_LANDING";
    /** Environment variable naming the folder of contracts and table specs (default: bundled). */
    public static final String ENV_SCHEMAS = "KAMW_SCHEMAS";
    /** Default warehouse folder, relative to the working directory. */
    public static final String DEFAULT_WAREHOUSE = "warehouse";
    /**
     * Spark conf naming the reporting currency: silver converts every amount to it and gold
     * queries read it as {@code ${reporting_currency}} ({@code --conf kamw.reportingCurrency=USD}).
     */
    public static final String REPORTING_CURRENCY_CONF = "kamw.reportingCurrency";
    /** The reporting currency when none is configured. */
    public static final String DEFAULT_REPORTING_CURRENCY = "CNY";

    private final String warehouseRoot;
    private final String landingRoot;
    private final String schemasDir;
    private final String master;
    private final Map<String, String> sparkConf;

    private WarehouseConfig(final String warehouseRoot, final String landingRoot, final String schemasDir,
            final String master, final Map<String, String> sparkConf) {
        this.warehouseRoot = trimSlash(Objects.requireNonNull(warehouseRoot, "warehouseRoot"));
        this.landingRoot = trimSlash(Objects.requireNonNull(landingRoot, "landingRoot"));
        this.schemasDir = schemasDir;
        this.master = master;
        this.sparkConf = Map.copyOf(sparkConf);
        reportingCurrency(this.sparkConf.get(REPORTING_CURRENCY_CONF)); // a bad code stops the command at once
    }

    /**
     * Resolves the configuration: explicit values first, then environment variables, then
     * defaults (warehouse {@code ./warehouse}, landing {@code <warehouse>/landing}).
     */
    public static WarehouseConfig resolve(final String warehouse, final String landing, final String schemas,
            final String master, final Map<String, String> sparkConf) {
        final String wh = firstNonBlank(warehouse, System.getenv(ENV_WAREHOUSE), DEFAULT_WAREHOUSE);
        final String root = toUri(wh);
        final String land = firstNonBlank(landing, System.getenv(ENV_LANDING), null);
        final String landingRoot = land == null ? root + "/landing" : toUri(land);
        final String schemasDir = firstNonBlank(schemas, System.getenv(ENV_SCHEMAS), null);
        return new WarehouseConfig(root, landingRoot, schemasDir, master,
                sparkConf == null ? Map.of() : new LinkedHashMap<>(sparkConf));
    }

    /** A configuration for a local folder, used by tests and the benchmark. */
    public static WarehouseConfig local(final Path warehouse) {
        return resolve(warehouse.toString(), null, null, null, Map.of());
    }

    /** Turns a plain path into an absolute {@code file:} URI; URIs with a scheme pass unchanged. */
    static String toUri(final String location) {
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || location.startsWith("file:")) {
            return location;
        }
        // Hadoop's own spelling of a local path (file:/a/b), which Delta compares locations against.
        return "file:" + Paths.get(location).toAbsolutePath().normalize().toString().replace('\\', '/');
    }

    private static String firstNonBlank(final String... values) {
        for (final String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static String trimSlash(final String uri) {
        String u = uri;
        while (u.endsWith("/") && !u.endsWith("://") && !u.equals("file:/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    public String warehouseRoot() {
        return warehouseRoot;
    }

    public String landingRoot() {
        return landingRoot;
    }

    /** The folder holding {@code sources/} and {@code tables/}, or null to use the bundled copy. */
    public String schemasDir() {
        return schemasDir;
    }

    /** The Spark master to use when none is given by spark-submit; null means local. */
    public String master() {
        return master;
    }

    public Map<String, String> sparkConf() {
        return sparkConf;
    }

    /** The reporting currency this configuration sets (or the default). */
    public String reportingCurrency() {
        return reportingCurrency(sparkConf.get(REPORTING_CURRENCY_CONF));
    }

    /**
     * The reporting currency a session runs with: its Spark conf {@value #REPORTING_CURRENCY_CONF},
     * else {@value #DEFAULT_REPORTING_CURRENCY}. Jobs ask here, so silver and gold cannot disagree.
     */
    public static String reportingCurrency(final SparkSession spark) {
        final String configured = spark.conf().getOption(REPORTING_CURRENCY_CONF).getOrElse(() -> null);
        return reportingCurrency(configured);
    }

    /**
     * A configured reporting currency as an upper-case ISO 4217 code (null or blank: the default);
     * anything else is an error naming the setting.
     */
    public static String reportingCurrency(final String configured) {
        if (configured == null || configured.isBlank()) {
            return DEFAULT_REPORTING_CURRENCY;
        }
        final String c = configured.trim().toUpperCase(Locale.ROOT);
        if (!c.matches("[A-Z]{3}")) {
            throw new KamwException(REPORTING_CURRENCY_CONF + " '" + configured.trim()
                    + "' is not an ISO currency code such as CNY or USD; fix --conf " + REPORTING_CURRENCY_CONF + "=...");
        }
        return c;
    }

    /** True when the warehouse is a folder on this machine. */
    public boolean isLocal() {
        return warehouseRoot.startsWith("file:");
    }

    /** True when the landing folder is a folder on this machine. */
    public boolean landingIsLocal() {
        return landingRoot().startsWith("file:");
    }

    /**
     * The landing folder on this machine, for what writes files into it ({@code needs}, e.g.
     * "generate writes to"); a clear error where the landing folder is not local.
     */
    public Path localLanding(final String needs) {
        if (!landingIsLocal()) {
            throw new KamwException(needs + " a local landing folder; " + landingRoot() + " is not one (use --landing PATH)");
        }
        return localPath(landingRoot());
    }

    /** The local folder of a {@code file:} URI. */
    public static Path localPath(final String uri) {
        return Paths.get(uri.replaceFirst("^file:(//)?", ""));
    }
}

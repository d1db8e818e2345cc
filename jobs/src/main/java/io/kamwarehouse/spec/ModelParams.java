package io.kamwarehouse.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parameters of a {@code model} job, the spec's {@code model:} block: a probability model fitted per
 * segment and as-of date over the rows of a source query (by maximum likelihood on the driver, or, for
 * the win probability, by Spark MLlib's logistic regression).
 * <pre>
 * model:
 *   kind: bg_nbd_gamma_gamma          # bg_nbd_gamma_gamma (customer value) | sbg (contract retention) | win_probability
 *   vars: {min_segment_size: 50}      # as for sql jobs; settings below may be ${var}
 *   source: |                         # the summaries the model is fitted on (columns: see the kind)
 *     SELECT ... FROM ...
 *   segment_by: [crm_tier, industry]  # one fit per distinct value (and a pooled fit per as-of); may be empty
 *   settings:                         # numbers (or ${var}) the kind reads, e.g. min_segment_size: ${min_segment_size}
 *     min_segment_size: ${min_segment_size}
 *   features: [stage, amount_log]     # win_probability only: the source columns the model learns from
 *                                     # (numbers as they are, strings and booleans one-hot)
 * </pre>
 */
public record ModelParams(String modelKind, Map<String, String> vars, String source, List<String> segmentBy,
        Map<String, String> settings, List<String> features) implements JobParams {

    public static final String KIND = "model";
    /** Customer value: BG/NBD transactions, Gamma-Gamma margin per transaction, discounted 3-year CLV. */
    public static final String BG_NBD_GAMMA_GAMMA = "bg_nbd_gamma_gamma";
    /** Contract retention: shifted-beta-geometric survival per cohort. */
    public static final String SBG = "sbg";
    /** Deal outcome: logistic regression (Spark MLlib) of won against lost, refitted at every as-of date. */
    public static final String WIN_PROBABILITY = "win_probability";

    private static final Set<String> KEYS = Set.of("kind", "vars", "source", "segment_by", "settings", "features");
    /** Settings each model kind understands, with their defaults. */
    private static final Map<String, Map<String, String>> SETTINGS = Map.of(
            BG_NBD_GAMMA_GAMMA, ordered("min_segment_size", "50", "min_repeat_customers", "30",
                    "days_per_time_unit", "7", "horizon_months", "12", "annual_discount_rate", "0.10", "regularisation", "0.001"),
            SBG, ordered("min_segment_size", "30", "projection_periods", "10", "discount_rate", "0.10", "regularisation", "0.001"),
            WIN_PROBABILITY, ordered("min_training_rows", "200", "min_rows_per_outcome", "30", "regularisation", "0.01",
                    "max_iterations", "100", "reasons", "3", "refit_months", "1"));

    public ModelParams {
        // in name order: the record's text is part of a build's fingerprint, and Map.copyOf's order changes from one JVM to the next
        vars = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(vars));
        segmentBy = List.copyOf(segmentBy);
        settings = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
        features = List.copyOf(features);
    }

    /** A model without declared features (the kinds that read fixed source columns). */
    public ModelParams(final String modelKind, final Map<String, String> vars, final String source, final List<String> segmentBy,
            final Map<String, String> settings) {
        this(modelKind, vars, source, segmentBy, settings, List.of());
    }

    @Override
    public String kind() {
        return KIND;
    }

    private static Map<String, String> ordered(final String... kv) {
        final Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static ModelParams parse(final SpecFields f, final Object block) {
        final Map<String, Object> m = f.mapping(block, KIND);
        f.unknownKeys(KIND, m.keySet(), KEYS);
        final String modelKind = f.requiredString(m, "kind", KIND + ".kind");
        if (!SETTINGS.containsKey(modelKind)) {
            throw f.error(KIND + ".kind", "'" + modelKind + "' is not a model kind (known: "
                    + String.join(", ", new TreeSet<>(SETTINGS.keySet())) + ")");
        }
        final Map<String, String> vars = SqlParams.vars(f, KIND, m.get("vars"));
        final String source = f.requiredString(m, "source", KIND + ".source");
        SqlParams.checkQuery(f, KIND + ".source", source, vars);
        final List<String> segmentBy = f.stringList(m, "segment_by", KIND + ".segment_by", false);
        segmentBy.forEach(c -> SpecFields.checkColumnName(f, KIND + ".segment_by", c));
        final Map<String, String> settings = new LinkedHashMap<>(SETTINGS.get(modelKind));
        if (m.get("settings") != null) {
            final Map<String, Object> given = f.mapping(m.get("settings"), KIND + ".settings");
            f.unknownKeys(KIND + ".settings", given.keySet(), SETTINGS.get(modelKind).keySet());
            for (final Map.Entry<String, Object> e : given.entrySet()) {
                final String field = KIND + ".settings." + e.getKey();
                if (e.getValue() == null || e.getValue() instanceof Map || e.getValue() instanceof List) {
                    throw f.error(field, "must be a single number or ${var}");
                }
                settings.put(e.getKey(), String.valueOf(e.getValue()).trim());
            }
        }
        for (final Map.Entry<String, String> e : settings.entrySet()) {
            final String field = KIND + ".settings." + e.getKey();
            final Set<String> used = SqlText.varsUsed(e.getValue());
            for (final String v : used) {
                if (!vars.containsKey(v)) {
                    throw f.error(field, "uses ${" + v + "} but vars: declares only " + new TreeSet<>(vars.keySet()));
                }
            }
            try {
                number(e.getKey(), SqlText.substitute(e.getValue(), vars));
            } catch (final IllegalArgumentException ex) {
                throw f.error(field, ex.getMessage());
            }
        }
        final List<String> features = f.stringList(m, "features", KIND + ".features", false);
        features.forEach(c -> SpecFields.checkColumnName(f, KIND + ".features", c));
        if (WIN_PROBABILITY.equals(modelKind) && features.isEmpty()) {
            throw f.error(KIND + ".features", "a " + WIN_PROBABILITY + " model needs the source columns it learns from, e.g. "
                    + "features: [stage, days_in_stage]");
        }
        if (!WIN_PROBABILITY.equals(modelKind) && !features.isEmpty()) {
            throw f.error(KIND + ".features", "only a " + WIN_PROBABILITY + " model takes features; a " + modelKind
                    + " model reads fixed source columns");
        }
        if (new java.util.HashSet<>(features).size() != features.size()) {
            throw f.error(KIND + ".features", "names a column twice: " + features);
        }
        return new ModelParams(modelKind, vars, source, segmentBy, settings, features);
    }

    /** A setting's value as a number; a clear message when it is not one or is negative. */
    public static double number(final String name, final String text) {
        final double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number (setting " + name + ")");
        }
        if (!Double.isFinite(v) || v < 0) {
            throw new IllegalArgumentException("setting " + name + " must be a finite number >= 0, got " + text);
        }
        return v;
    }
}

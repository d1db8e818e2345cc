package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The plan as small tables ({@code cfg_*}) that SQL jobs join: one table per section name of the
 * {@code scoring_plan} job kind. Every row starts with {@code plan_version, plan_hash,
 * effective_from, effective_to}; percentages of the plan become DECIMAL(9,6) fractions (60 -> 0.6).
 */
public final class CfgTables {

    /** One table: its section name, its own columns (after the plan columns) and its rows for one plan. */
    public record CfgTable(String section, List<StructField> columns, Function<ScoringPlan, List<Object[]>> rows) {

        /** The full schema: the plan columns, then the table's own. */
        public StructType schema() {
            final List<StructField> all = new ArrayList<>(PLAN_COLUMNS);
            all.addAll(columns);
            return DataTypes.createStructType(all);
        }
    }

    public static final DataType FRACTION = DataTypes.createDecimalType(9, 6);
    public static final DataType MONEY = DataTypes.createDecimalType(18, 2);
    public static final DataType NUMBER = DataTypes.createDecimalType(18, 4);
    static final List<StructField> PLAN_COLUMNS = List.of(
            col("plan_version", DataTypes.StringType, false), col("plan_hash", DataTypes.StringType, false),
            col("effective_from", DataTypes.DateType, false), col("effective_to", DataTypes.DateType, false));

    private static final Map<String, CfgTable> TABLES = tables();

    private CfgTables() {
    }

    /** Section names, in the order the plan file has them. */
    public static List<String> sections() {
        return List.copyOf(TABLES.keySet());
    }

    /** The table of a section, or null. */
    public static CfgTable get(final String section) {
        return TABLES.get(section);
    }

    /** Every row of a section's table over all plans, plan columns first. */
    public static List<Object[]> rows(final CfgTable table, final List<ScoringPlan> plans) {
        final List<Object[]> out = new ArrayList<>();
        for (final ScoringPlan p : plans) {
            for (final Object[] own : table.rows().apply(p)) {
                final Object[] row = new Object[PLAN_COLUMNS.size() + own.length];
                row[0] = p.version();
                row[1] = p.hash();
                row[2] = Date.valueOf(p.effectiveFrom());
                row[3] = Date.valueOf(p.effectiveTo());
                System.arraycopy(own, 0, row, PLAN_COLUMNS.size(), own.length);
                out.add(row);
            }
        }
        return out;
    }

    private static StructField col(final String name, final DataType type, final boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }

    private static StructField col(final String name, final DataType type) {
        return col(name, type, true);
    }

    static BigDecimal fraction(final BigDecimal percent) {
        return percent == null ? null : scaled(PlanFields.fraction(percent), 6);
    }

    static BigDecimal scaled(final BigDecimal v, final int scale) {
        return v == null ? null : v.setScale(scale, RoundingMode.HALF_EVEN);
    }

    private static Map<String, CfgTable> tables() {
        final Map<String, CfgTable> t = new LinkedHashMap<>();
        add(t, new CfgTable("scoring_plan", List.of(
                col("plan_file", DataTypes.StringType, false), col("plan", DataTypes.StringType, false),
                col("currency", DataTypes.StringType, false),
                col("deal_lead_share", FRACTION, false), col("deal_assist_share", FRACTION, false),
                col("bonus_period", DataTypes.StringType, false), col("bonus_deferred_share", FRACTION, false),
                col("bonus_release_after_quarters", DataTypes.IntegerType, false),
                col("bonus_clawback_on_churn", DataTypes.BooleanType, false),
                col("bonus_team_lead_multiplier", NUMBER, false), col("bonus_match_tolerance", MONEY, false),
                col("team_health_rebuild_below", NUMBER, false)),
                p -> List.<Object[]>of(new Object[] {p.file(), p.plan(), p.currency(),
                    fraction(p.dealCredit().leadShare()), fraction(p.dealCredit().assistShare()),
                    p.bonus().period(), fraction(p.bonus().deferredShare()), p.bonus().releaseAfterQuarters(),
                    p.bonus().clawbackOnChurn(), scaled(p.bonus().teamLeadMultiplier(), 4), scaled(p.bonus().matchTolerance(), 2),
                    scaled(p.teamHealth().rebuildBelow(), 4)})));
        add(t, new CfgTable("scoring_kpi", List.of(
                col("kpi", DataTypes.StringType, false), col("dimension", DataTypes.StringType, false),
                col("description", DataTypes.StringType), col("target_source", DataTypes.StringType, false),
                col("target_metric", DataTypes.StringType), col("target_value", NUMBER), col("cap", NUMBER, false),
                col("higher_is_better", DataTypes.BooleanType, false)),
                p -> p.kpis().kpis().values().stream().map(k -> new Object[] {k.name(), k.dimension(), k.description(),
                    k.targetSource(), k.targetMetric(), scaled(k.targetValue(), 4), scaled(k.cap(), 4), k.higherIsBetter()})
                        .toList()));
        add(t, new CfgTable("scoring_weight", List.of(
                col("role", DataTypes.StringType, false), col("career_stage", DataTypes.StringType, false),
                col("dimension", DataTypes.StringType, false), col("dimension_weight", FRACTION, false),
                col("kpi", DataTypes.StringType, false), col("kpi_weight", FRACTION, false),
                col("composite_weight", FRACTION, false)),
                CfgTables::weightRows));
        add(t, new CfgTable("career_stage", List.of(
                col("career_stage", DataTypes.StringType, false), col("from_months", DataTypes.IntegerType, false),
                col("to_months", DataTypes.IntegerType), col("business_results_share", FRACTION, false)),
                p -> p.careerStages().stages().stream().map(s -> new Object[] {s.name(), s.fromMonths(), s.toMonths(),
                    fraction(s.share())}).toList()));
        add(t, new CfgTable("deal_credit_role", List.of(col("team_role", DataTypes.StringType, false)),
                p -> p.dealCredit().assistRoles().stream().map(r -> new Object[] {r}).toList()));
        add(t, new CfgTable("bonus_target", List.of(
                col("role", DataTypes.StringType, false), col("target_bonus_amount", MONEY, false),
                col("currency", DataTypes.StringType, false)),
                p -> p.bonus().targetBonus().entrySet().stream().map(e -> new Object[] {e.getKey(), scaled(e.getValue(), 2),
                    p.currency()}).toList()));
        add(t, new CfgTable("bonus_curve", List.of(
                col("point", DataTypes.IntegerType, false), col("score", NUMBER, false), col("factor", NUMBER, false)),
                p -> {
                    final List<Object[]> rows = new ArrayList<>();
                    int i = 1;
                    for (final BonusSection.CurvePoint c : p.bonus().payoutCurve()) {
                        rows.add(new Object[] {i++, scaled(c.score(), 4), scaled(c.factor(), 4)});
                    }
                    return rows;
                }));
        add(t, new CfgTable("team_health", List.of(
                col("dimension", DataTypes.StringType, false), col("points", NUMBER, false),
                col("min_stages", DataTypes.IntegerType), col("min_activities", DataTypes.IntegerType),
                col("target_per_member", NUMBER)),
                p -> p.teamHealth().dimensions().values().stream().map(d -> new Object[] {d.name(), scaled(d.points(), 4),
                    d.minStages(), d.minActivities(), scaled(d.targetPerMember(), 4)}).toList()));
        add(t, new CfgTable("team_role_target", List.of(
                col("role", DataTypes.StringType, false), col("target_share", FRACTION, false)),
                p -> p.teamHealth().targetMix().entrySet().stream().map(e -> new Object[] {e.getKey(), fraction(e.getValue())})
                        .toList()));
        add(t, new CfgTable("team_health_metric", List.of(col("metric", DataTypes.StringType, false),
                col("roles", DataTypes.StringType)),
                p -> p.teamHealth().metrics().stream().map(m -> new Object[] {m,
                    p.teamHealth().metricRoles().getOrDefault(m, List.of()).isEmpty() ? null
                        : String.join(",", p.teamHealth().metricRoles().get(m))}).toList()));
        add(t, new CfgTable("service_sla", List.of(
                col("tier", DataTypes.StringType, false), col("response_hours", NUMBER),
                col("response_business_days", DataTypes.IntegerType)),
                p -> p.serviceSla().tiers().values().stream().map(s -> new Object[] {s.tier(), scaled(s.hours(), 4),
                    s.businessDays()}).toList()));
        add(t, new CfgTable("target", List.of(
                col("metric", DataTypes.StringType, false), col("year", DataTypes.IntegerType, false),
                col("target_amount", MONEY, false),
                col("currency", DataTypes.StringType, false), col("team_share_basis", DataTypes.StringType, false),
                col("member_share_basis", DataTypes.StringType, false), col("gap_tolerance", FRACTION, false)),
                p -> p.targets() == null ? List.<Object[]>of() : p.targets().bookings().entrySet().stream()
                        .map(e -> new Object[] {"bookings", e.getKey(), scaled(e.getValue(), 2), p.currency(),
                            p.targets().teamShares(), p.targets().memberShares(), fraction(p.targets().gapTolerance())})
                        .toList()));
        add(t, new CfgTable("target_seasonality", List.of(
                col("month_number", DataTypes.IntegerType, false), col("weight", FRACTION, false)),
                p -> p.targets() == null ? List.<Object[]>of() : p.targets().seasonality().entrySet().stream()
                        .map(e -> new Object[] {e.getKey(), fraction(e.getValue())}).toList()));
        return Collections.unmodifiableMap(t);
    }

    private static void add(final Map<String, CfgTable> t, final CfgTable table) {
        t.put(table.section(), table);
    }

    /**
     * The effective weights per role x career stage x KPI: the stage's KPIs take its share of
     * business results, the role's business-results KPIs the rest; KPIs with no weight are left out.
     */
    static List<Object[]> weightRows(final ScoringPlan p) {
        final List<Object[]> rows = new ArrayList<>();
        for (final EffectiveWeight w : ScoringWeights.effective(p)) {
            rows.add(new Object[] {w.role(), w.careerStage(), w.dimension(), scaled(w.dimensionWeight(), 6), w.kpi(),
                scaled(w.kpiWeight(), 6), scaled(w.compositeWeight(), 6)});
        }
        return rows;
    }

    /** One effective weight of a plan, as fractions. */
    public record EffectiveWeight(String role, String careerStage, String dimension, BigDecimal dimensionWeight, String kpi,
            BigDecimal kpiWeight, BigDecimal compositeWeight) {
    }
}

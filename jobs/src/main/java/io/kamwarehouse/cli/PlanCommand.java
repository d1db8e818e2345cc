package io.kamwarehouse.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.kamwarehouse.scoring.BonusSection;
import io.kamwarehouse.scoring.CareerStageSection;
import io.kamwarehouse.scoring.RoleSection;
import io.kamwarehouse.scoring.ScoringPlan;
import io.kamwarehouse.scoring.ScoringPlans;
import io.kamwarehouse.scoring.TargetSection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kamw plan}: the scoring plans ({@code conf/scoring/*.yaml}). */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Scoring plans (conf/scoring/*.yaml): how staff and teams are scored, credited and paid.",
        subcommands = {PlanCommand.Check.class})
final class PlanCommand implements Runnable {

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: kamw plan check");
    }

    /** {@code kamw plan check [FILE...]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check the scoring plans (the folder of --conf kamw.scoring.dir, $KAMW_CONF/scoring, else the bundled "
                    + "copy; or the files given) and print each plan's version, hash, effective period and weights.")
    static final class Check implements Callable<Integer> {

        @ParentCommand
        PlanCommand plan;

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "Plan files to check together (default: the whole folder).")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            final ScoringPlans plans = files.isEmpty() ? ScoringPlans.load(plan.main.conf) : ScoringPlans.fromFiles(files);
            print(System.out, plans);
            return 0;
        }
    }

    static void print(final PrintStream out, final ScoringPlans plans) {
        out.println("scoring plans in " + plans.location() + ": " + plans.all().size() + " valid");
        for (final ScoringPlan p : plans.all()) {
            out.println();
            out.println(p.file() + ": plan " + p.plan() + " version " + p.version() + ", hash " + p.hash() + ", effective "
                    + p.effectiveFrom() + " to " + p.effectiveTo() + ", currency " + p.currency());
            out.println("  roles (dimension weights; KPI weights within each dimension):");
            for (final RoleSection.Role r : p.roles().roles().values()) {
                out.println("    " + r.name() + ": " + weights(r.dimensions()));
                r.kpis().forEach((d, w) -> out.println("      " + d + ": " + weights(w)));
            }
            out.println("  career stages (share of business_results taken by the stage's KPIs):");
            for (final CareerStageSection.Stage s : p.careerStages().stages()) {
                out.println("    " + s.name() + ": months " + s.fromMonths() + (s.toMonths() == null ? "+" : "-" + s.toMonths())
                        + ", share " + s.share().toPlainString() + (s.kpis().isEmpty() ? "" : ": " + weights(s.kpis())));
            }
            out.println("  deal credit: lead " + p.dealCredit().leadShare().toPlainString() + ", assists "
                    + p.dealCredit().assistShare().toPlainString() + " shared equally by " + p.dealCredit().assistRoles());
            final BonusSection b = p.bonus();
            final List<String> curve = new ArrayList<>();
            b.payoutCurve().forEach(c -> curve.add(c.score().toPlainString() + "->" + c.factor().toPlainString()));
            out.println("  bonus per " + b.period() + ": targets " + weights(b.targetBonus()) + " " + p.currency() + "; curve "
                    + String.join(", ", curve) + "; deferred " + b.deferredShare().toPlainString() + "%");
            final List<String> dims = new ArrayList<>();
            p.teamHealth().dimensions().values().forEach(d -> dims.add(d.name() + " " + d.points().toPlainString()));
            out.println("  team health: " + String.join(", ", dims) + "; rebuild below " + p.teamHealth().rebuildBelow().toPlainString()
                    + "; target mix " + weights(p.teamHealth().targetMix()));
            final List<String> sla = new ArrayList<>();
            p.serviceSla().tiers().values().forEach(t -> sla.add(t.tier() + " " + (t.hours() != null ? t.hours().toPlainString() + "h"
                    : t.businessDays() + " business days")));
            out.println("  service SLA: " + String.join(", ", sla));
            final TargetSection t = p.targets();
            if (t != null) {
                final List<String> months = new ArrayList<>();
                t.seasonality().forEach((m, w) -> months.add(TargetSection.MONTHS.get(m - 1) + " " + w.toPlainString()));
                final List<String> years = new ArrayList<>();
                t.bookings().forEach((y, v) -> years.add(y + " " + v.toPlainString()));
                out.println("  bookings target: " + String.join(", ", years) + " " + p.currency() + "; by month "
                        + String.join(", ", months) + "; to teams by " + t.teamShares() + ", to members by " + t.memberShares()
                        + "; flagged beyond " + t.gapTolerance().toPlainString() + "% of the quotas");
            }
        }
    }

    private static String weights(final Map<String, BigDecimal> w) {
        final List<String> parts = new ArrayList<>();
        w.forEach((k, v) -> parts.add(k + " " + v.toPlainString()));
        return String.join(", ", parts);
    }
}

package io.kamwarehouse.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.SqlParams;
import io.kamwarehouse.spec.TableSpec;

/**
 * What a build of a table would do now, decided as the build decides it but without writing: up
 * to date (what its last build recorded equals what it would record now), or why it would run: a
 * first build, inputs at other versions, a changed query, vars, settings or as-of date, and for a
 * table built by period, the periods it would recompute. A table whose inputs this same run
 * changes first can only be decided then, and is said so. For dry runs.
 */
public final class BuildPlan {

    /** The verdicts, as a dry run prints them. */
    public enum State {
        UP_TO_DATE("up to date"), WOULD_BUILD("would build"), WOULD_SKIP("would skip"), DECIDED_THEN("decided in the run");

        private final String text;

        State(final String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A table's verdict and why; {@code writes} when the build would (or may) write the table. */
    public record Verdict(State state, String why) {
        public boolean writes() {
            return state == State.WOULD_BUILD || state == State.DECIDED_THEN;
        }
    }

    private BuildPlan() {
    }

    /**
     * The verdict on {@code spec} in a run where the tables {@code changing} are written before it.
     * Reads the warehouse (logs, change feeds) and never writes it.
     */
    public static Verdict assess(final RunContext ctx, final TableSpec spec, final Set<String> changing) {
        final Warehouse wh = ctx.warehouse();
        final List<String> before = spec.inputs().stream().filter(i -> !i.equals(spec.name()) && changing.contains(i)).toList();
        if (!before.isEmpty()) {
            return new Verdict(State.DECIDED_THEN, "after " + String.join(", ", before) + " change" + (before.size() == 1 ? "s" : "")
                    + " in this run");
        }
        final List<String> missing = spec.inputs().stream().filter(i -> !i.equals(spec.name()) && !wh.exists(i)).toList();
        if (!missing.isEmpty()) {
            return new Verdict(State.WOULD_SKIP, "its input " + String.join(", ", missing) + " does not exist yet");
        }
        if (!wh.exists(spec.name())) {
            return new Verdict(State.WOULD_BUILD, "first build");
        }
        final Warehouse.Commit last = wh.lastCommit(spec.name());
        final QueryInputs q = TableJobs.forSpec(spec).prepared(wh, spec);
        if (q == null) {
            // staging: merges what is new in bronze since the versions its last merge recorded
            final BuildStamp stamp = last == null ? null : BuildStamp.parse(StagingJob.STAMP_PREFIX, last.userMetadata());
            final List<String> moved = moved(wh, spec, stamp);
            return moved.isEmpty() ? new Verdict(State.UP_TO_DATE, "no input changed since its last merge")
                    : new Verdict(State.WOULD_BUILD, "merge what is new: " + String.join(", ", moved));
        }
        if (q.unchangedSinceLastBuild(wh, spec.name())) {
            return new Verdict(State.UP_TO_DATE, spec.params() instanceof io.kamwarehouse.spec.ScoringPlanParams
                    ? "scoring plans unchanged since its last build" : "inputs and " + (spec.params() instanceof SqlParams ? "query"
                    : "source") + " unchanged since its last build");
        }
        final BuildStamp stamp = QueryInputs.lastStamp(wh, spec.name());
        final List<String> why = new ArrayList<>();
        if (stamp == null) {
            why.add("its last commit records no build");
        } else {
            if (q.logic != null && stamp.logic() != null && !q.logic.equals(stamp.logic())) {
                why.add("its query or vars changed");
            } else if (q.logic == null && stamp.inputs().isEmpty()) {
                why.add("its scoring plans or settings changed");
            }
            if (q.asOf != null && !q.asOf.equals(stamp.asOf())) {
                why.add("as-of date " + stamp.asOf() + " -> " + q.asOf);
            }
            why.addAll(moved(wh, spec, stamp));
            if (why.isEmpty()) {
                why.add("its settings changed");
            }
        }
        final String reasons = String.join("; ", why);
        if (spec.period() == null || !(spec.params() instanceof SqlParams)) {
            return new Verdict(State.WOULD_BUILD, "recompute whole: " + reasons);
        }
        final PeriodPlan.Decision d = PeriodPlan.plan(wh, spec, q, q.query(wh.spark()), JobOptions.INCREMENTAL);
        if (d.full()) {
            return new Verdict(State.WOULD_BUILD, "recompute whole (" + d.why() + "): " + reasons);
        }
        if (d.nothing()) {
            return new Verdict(State.UP_TO_DATE, "no change of its inputs reaches a period (" + d.why() + ")");
        }
        return new Verdict(State.WOULD_BUILD, "recompute " + d.periodsText() + " (" + d.why() + ")");
    }

    /** The inputs at another version than the stamp recorded, as {@code name vA -> vB}. */
    private static List<String> moved(final Warehouse wh, final TableSpec spec, final BuildStamp stamp) {
        final List<String> out = new ArrayList<>();
        final Map<String, Long> was = stamp == null ? Map.of() : stamp.inputs();
        for (final String in : spec.inputs()) {
            if (in.equals(spec.name()) || !wh.exists(in)) {
                continue;
            }
            final long now = wh.version(in);
            final Long then = was.get(in);
            if (then == null || then != now) {
                out.add(in + " " + (then == null ? "(not recorded)" : "v" + then) + " -> v" + now);
            }
        }
        return out;
    }
}

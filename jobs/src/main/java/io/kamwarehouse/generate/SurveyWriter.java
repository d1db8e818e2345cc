package io.kamwarehouse.generate;

import java.util.SplittableRandom;

/** Writes the survey entities of the full drop. */
final class SurveyWriter {

    private final Drop drop;
    private final World w;

    SurveyWriter(final Drop drop) {
        this.drop = drop;
        this.w = drop.w;
    }

    void writeAll() {
        nps();
        peerReviews();
    }

    void nps() {
        final DailyEvents events = new DailyEvents(w);
        final EntitySink sink = drop.open(Specs.npsResponses());
        for (int day = w.h0; day <= w.h1; day++) {
            events.nps(day, sink);
        }
        drop.finish(sink);
    }

    private boolean eligible(final int e, final int quarterEnd) {
        return w.empHire[e] <= quarterEnd - 45 && w.empTerm[e] > quarterEnd;
    }

    void peerReviews() {
        final EntitySink sink = drop.open(Specs.peerReviews());
        int q = World.quarterStart(w.h0);
        if (q < w.h0) {
            q = World.plusMonths(q, 3);
        }
        long n = 0;
        final String[] row = new String[7];
        for (int j = 0; World.plusMonths(q, 3) - 1 <= w.h1; j++, q = World.plusMonths(q, 3)) {
            final int qe = World.plusMonths(q, 3) - 1;
            final String period = World.quarterLabel(q);
            for (int e = 0; e < w.nEmp; e++) {
                if (!eligible(e, qe)) {
                    continue;
                }
                final SplittableRandom r = Rand.rng(w.seed, Rand.tag("peer"), e, j);
                final int team = w.empTeam[e];
                // candidate reviewers: the team (plus the manager), else the region
                final int reviewers = Rand.between(r, 2, 3);
                final int[] chosen = new int[reviewers];
                int found = 0;
                for (int attempt = 0; attempt < 30 && found < reviewers; attempt++) {
                    final int x;
                    if (attempt < 15) {
                        final int[] pool = w.byTeamRole[team][r.nextInt(5)];
                        x = pool.length == 0 ? -1 : pool[r.nextInt(pool.length)];
                    } else {
                        x = r.nextInt(w.nEmp);
                        if (w.teamRegion[w.empTeam[x]] != w.teamRegion[team]) {
                            continue;
                        }
                    }
                    if (x < 0 || x == e || !eligible(x, qe)) {
                        continue;
                    }
                    boolean dup = false;
                    for (int i = 0; i < found; i++) {
                        dup |= chosen[i] == x;
                    }
                    if (!dup) {
                        chosen[found++] = x;
                    }
                }
                final double base = (w.teamPoor[team] ? 3.2 : 3.9) + (w.empPerf[e] - 1.0) * 0.8;
                final double sharing = w.empRole[e] == World.SC ? 0.3 : (w.empRole[e] == World.AM ? -0.2 : 0);
                for (int i = 0; i < found; i++) {
                    final long collab = clamp(Math.round((base + 0.5 * Rand.gaussian(r)) * 10));
                    final long knowledge = clamp(Math.round((base + sharing + 0.5 * Rand.gaussian(r)) * 10));
                    final String comment;
                    final double u = r.nextDouble();
                    if (u < 0.5) {
                        comment = null;
                    } else if (u < 0.515) {
                        comment = "专业能力强，建议多参与跨团队项目，分享\"最佳实践\"。";
                    } else {
                        comment = collab >= 38 ? Rand.pick(r, Names.REVIEW_COMMENTS_GOOD) : Rand.pick(r, Names.REVIEW_COMMENTS_MIXED);
                    }
                    row[0] = "PR-" + Fmt.pad(++n, 7);
                    row[1] = w.empId[chosen[i]];
                    row[2] = w.empId[e];
                    row[3] = period;
                    row[4] = Fmt.fixed(collab, 1);
                    row[5] = Fmt.fixed(knowledge, 1);
                    row[6] = comment;
                    sink.write(row);
                }
            }
        }
        drop.finish(sink);
    }

    private static long clamp(final long tenths) {
        return Math.max(10, Math.min(50, tenths));
    }
}

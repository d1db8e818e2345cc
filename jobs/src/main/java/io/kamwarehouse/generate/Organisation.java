package io.kamwarehouse.generate;

import static io.kamwarehouse.generate.World.AM;
import static io.kamwarehouse.generate.World.BO;
import static io.kamwarehouse.generate.World.CS;
import static io.kamwarehouse.generate.World.EMPLOYEES_AT_1;
import static io.kamwarehouse.generate.World.NONE;
import static io.kamwarehouse.generate.World.PM;
import static io.kamwarehouse.generate.World.SC;
import static io.kamwarehouse.generate.World.T_CS;
import static io.kamwarehouse.generate.World.T_DEL;
import static io.kamwarehouse.generate.World.T_KA;
import static io.kamwarehouse.generate.World.T_REGION;
import static io.kamwarehouse.generate.World.T_SOL;
import static io.kamwarehouse.generate.World.employeeId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The organisation of a {@link World}: teams (regions and their sub-teams), employees with roles,
 * managers, hire and leave dates, and the pools of employees by role, region and team the writers
 * pick from. Drawn from its own random stream, so it does not depend on the other parts.
 */
final class Organisation {

    private static final int[] SUB_TEAM_PATTERN = {T_KA, T_KA, T_SOL, T_KA, T_DEL, T_KA, T_CS, T_KA, T_KA, T_SOL, T_KA, T_DEL, T_CS};
    /** Role sequences for members after the lead, per team kind (good KA, poor KA, SOL, DEL, CS). */
    private static final int[] SEQ_KA_GOOD = {SC, PM, AM, CS, SC, BO, AM, PM, CS, SC, AM, PM, BO, CS, AM, SC, PM, AM, CS, BO};
    private static final int[] SEQ_KA_POOR = {AM, AM, SC, AM, AM, BO, AM, AM, AM, SC};
    private static final int[] SEQ_SOL = {SC, SC, AM, SC, PM, SC, BO, SC};
    private static final int[] SEQ_DEL = {PM, PM, SC, PM, CS, PM, BO, PM};
    private static final int[] SEQ_CS = {CS, CS, AM, CS, PM, CS, BO, CS};

    private Organisation() {
    }

    static void build(final World w) {
        final SplittableRandom r = Rand.rng(w.seed, Rand.tag("org"));
        final int nSub = Math.max(1, (int) Math.round(13 * w.scale));
        w.nTeams = w.nRegions + nSub;
        w.nEmp = Math.max(w.nRegions + 2 * nSub, (int) Math.round(EMPLOYEES_AT_1 * w.scale));
        w.teamId = new String[w.nTeams];
        w.teamName = new String[w.nTeams];
        w.teamParent = new int[w.nTeams];
        w.teamType = new int[w.nTeams];
        w.teamRegion = new int[w.nTeams];
        w.teamManager = new int[w.nTeams];
        w.teamCreated = new int[w.nTeams];
        w.teamUpdated = new long[w.nTeams];
        w.teamPoor = new boolean[w.nTeams];

        final int[][] typeCount = new int[w.nRegions][5];
        int kaOrdinal = 0;
        for (int t = 0; t < w.nTeams; t++) {
            w.teamId[t] = "TM-" + Fmt.pad(t + 1, 3);
            if (t < w.nRegions) {
                w.teamType[t] = T_REGION;
                w.teamRegion[t] = t;
                w.teamParent[t] = -1;
                w.teamName[t] = Names.REGIONS[t] + "大区";
            } else {
                final int j = t - w.nRegions;
                w.teamType[t] = SUB_TEAM_PATTERN[j % SUB_TEAM_PATTERN.length];
                w.teamRegion[t] = j % w.nRegions;
                w.teamParent[t] = w.teamRegion[t];
                if (w.teamType[t] == T_KA) {
                    w.teamPoor[t] = kaOrdinal % 3 == 1;
                    kaOrdinal++;
                }
                final int n = ++typeCount[w.teamRegion[t]][w.teamType[t]];
                final String base = switch (w.teamType[t]) {
                    case T_KA -> "大客户" + n + "部";
                    case T_SOL -> "解决方案" + n + "组";
                    case T_DEL -> "交付" + n + "中心";
                    default -> "客户成功" + n + "部";
                };
                w.teamName[t] = Names.REGIONS[w.teamRegion[t]] + base;
            }
        }

        // team sizes: region teams hold only the region head; sub-teams at least two people
        final int[] size = new int[w.nTeams];
        final double[] weight = new double[w.nTeams];
        double totalWeight = 0;
        for (int t = w.nRegions; t < w.nTeams; t++) {
            size[t] = 2;
            weight[t] = w.teamType[t] == T_KA ? (w.teamPoor[t] ? 1.0 : 1.35) : 0.75;
            totalWeight += weight[t];
        }
        for (int t = 0; t < w.nRegions; t++) {
            size[t] = 1;
        }
        final int extra = w.nEmp - w.nRegions - 2 * nSub;
        final double[] frac = new double[w.nTeams];
        int assigned = 0;
        for (int t = w.nRegions; t < w.nTeams; t++) {
            final double q = extra * weight[t] / totalWeight;
            size[t] += (int) Math.floor(q);
            assigned += (int) Math.floor(q);
            frac[t] = q - Math.floor(q);
        }
        final Integer[] order = new Integer[w.nTeams - w.nRegions];
        for (int i = 0; i < order.length; i++) {
            order[i] = w.nRegions + i;
        }
        Arrays.sort(order, (x, y) -> frac[x] != frac[y] ? Double.compare(frac[y], frac[x]) : Integer.compare(x, y));
        for (int i = 0; assigned < extra; i = (i + 1) % order.length) {
            size[order[i]]++;
            assigned++;
        }

        w.empId = new String[w.nEmp];
        w.empName = new String[w.nEmp];
        w.empEmail = new String[w.nEmp];
        w.empRole = new int[w.nEmp];
        w.empTeam = new int[w.nEmp];
        w.empManager = new int[w.nEmp];
        w.empHire = new int[w.nEmp];
        w.empTerm = new int[w.nEmp];
        w.empLead = new boolean[w.nEmp];
        w.empUpdated = new long[w.nEmp];
        w.empPerf = new double[w.nEmp];
        final Set<String> emails = new HashSet<>();
        final int historyDays = w.h1 - w.h0 + 1;
        int e = 0;
        for (int t = 0; t < w.nTeams; t++) {
            final int lead = e;
            final int[] seq = switch (w.teamType[t]) {
                case T_KA -> w.teamPoor[t] ? SEQ_KA_POOR : SEQ_KA_GOOD;
                case T_SOL -> SEQ_SOL;
                case T_DEL -> SEQ_DEL;
                case T_CS -> SEQ_CS;
                default -> SEQ_KA_GOOD;
            };
            final int offset = w.teamType[t] == T_KA ? 0 : r.nextInt(seq.length);
            for (int m = 0; m < size[t]; m++, e++) {
                w.empId[e] = employeeId(e);
                w.empTeam[e] = t;
                final StringBuilder handle = new StringBuilder();
                w.empName[e] = r.nextDouble() < 0.15 ? Names.englishName(r, handle) : Names.chineseName(r, handle);
                String email = handle + "@kamcorp.com.cn";
                for (int n = 2; !emails.add(email); n++) {
                    email = handle.toString() + n + "@kamcorp.com.cn";
                }
                w.empEmail[e] = email;
                w.empTerm[e] = NONE;
                if (m == 0) {
                    w.empLead[e] = true;
                    w.empRole[e] = switch (w.teamType[t]) {
                        case T_SOL -> SC;
                        case T_DEL -> PM;
                        case T_CS -> CS;
                        default -> AM;
                    };
                    w.empHire[e] = w.h0 - Rand.between(r, 200, 2600);
                    w.empManager[e] = w.teamType[t] == T_REGION ? -1 : w.teamRegion[t];
                } else {
                    w.empRole[e] = seq[(offset + m - 1) % seq.length];
                    final double u = r.nextDouble();
                    final int tenure;
                    if (u < 0.12) {
                        tenure = Rand.between(r, 15, 175);
                    } else if (u < 0.30) {
                        tenure = Rand.between(r, 185, 540);
                    } else {
                        tenure = Rand.between(r, 550, 3000);
                    }
                    w.empHire[e] = w.h1 - tenure;
                    if (tenure > 240 && r.nextDouble() < 0.08) {
                        w.empTerm[e] = Rand.between(r, w.empHire[e] + 120, w.h1 - 15);
                    }
                    w.empManager[e] = lead;
                }
                w.empPerf[e] = Rand.uniform(r, 0.6, 1.4) * (w.teamPoor[t] ? 0.9 : 1.0);
                final int updDay = Math.max(w.empHire[e], w.h0) + r.nextInt(Math.max(1, Math.min(historyDays, w.h1 - Math.max(w.empHire[e], w.h0) + 1)));
                w.empUpdated[e] = updDay * Fmt.DAY_SECONDS + Rand.between(r, 8 * 3600, 19 * 3600);
            }
            w.teamManager[t] = lead;
        }
        // region heads are the first employees (teams 0..nRegions-1 have one member each, in order)
        for (int t = 0; t < w.nTeams; t++) {
            int earliest = NONE;
            for (int x = 0; x < w.nEmp; x++) {
                if (w.empTeam[x] == t || (w.teamType[t] == T_REGION && w.teamRegion[w.empTeam[x]] == t)) {
                    earliest = Math.min(earliest, w.empHire[x]);
                }
            }
            w.teamCreated[t] = earliest - Rand.between(r, 0, 60);
            w.teamUpdated[t] = (w.teamCreated[t] + Rand.between(r, 30, Math.max(31, w.h1 - w.teamCreated[t]))) * Fmt.DAY_SECONDS
                    + Rand.between(r, 8 * 3600, 19 * 3600);
            if (w.teamUpdated[t] > w.h1EndSec) {
                w.teamUpdated[t] = w.h1 * Fmt.DAY_SECONDS + 10 * 3600;
            }
        }

        // pools
        final List<List<Integer>> roleLists = lists(5);
        final List<List<List<Integer>>> regionRole = new ArrayList<>();
        for (int g = 0; g < w.nRegions; g++) {
            regionRole.add(lists(5));
        }
        final List<List<List<Integer>>> teamRole = new ArrayList<>();
        for (int t = 0; t < w.nTeams; t++) {
            teamRole.add(lists(5));
        }
        final List<List<Integer>> owners = lists(w.nRegions);
        final List<Integer> all = new ArrayList<>();
        for (int x = 0; x < w.nEmp; x++) {
            roleLists.get(w.empRole[x]).add(x);
            regionRole.get(w.teamRegion[w.empTeam[x]]).get(w.empRole[x]).add(x);
            teamRole.get(w.empTeam[x]).get(w.empRole[x]).add(x);
            if (w.empRole[x] == AM && w.empTerm[x] == NONE && w.teamType[w.empTeam[x]] == T_KA) {
                owners.get(w.teamRegion[w.empTeam[x]]).add(x);
                all.add(x);
            }
        }
        w.byRole = toArrays(roleLists);
        w.byRegionRole = new int[w.nRegions][][];
        for (int g = 0; g < w.nRegions; g++) {
            w.byRegionRole[g] = toArrays(regionRole.get(g));
        }
        w.byTeamRole = new int[w.nTeams][][];
        for (int t = 0; t < w.nTeams; t++) {
            w.byTeamRole[t] = toArrays(teamRole.get(t));
        }
        w.ownersByRegion = toArrays(owners);
        w.allOwners = all.stream().mapToInt(Integer::intValue).toArray();
        if (w.allOwners.length == 0) {
            w.allOwners = new int[] {0};
        }
    }

    private static List<List<Integer>> lists(final int n) {
        final List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    private static int[][] toArrays(final List<List<Integer>> lists) {
        final int[][] out = new int[lists.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }
}

package io.kamwarehouse.jobs;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.ModelParams;
import io.kamwarehouse.spec.Scd2Params;
import io.kamwarehouse.spec.ScoringPlanParams;
import io.kamwarehouse.spec.SqlParams;
import io.kamwarehouse.spec.StagingParams;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecException;

/** The job for each job kind a spec can name. */
public final class TableJobs {

    private TableJobs() {
    }

    /** The job that builds a spec's table. */
    public static TableJob forSpec(final TableSpec spec) {
        return switch (spec.job()) {
            case StagingParams.KIND -> new StagingJob();
            case SqlParams.KIND -> new SqlJob();
            case Scd2Params.KIND -> new Scd2Job();
            case ScoringPlanParams.KIND -> new ScoringPlanJob();
            case ModelParams.KIND -> new ModelJob();
            default -> throw new TableSpecException("table spec " + spec.origin() + ": no job runs kind '" + spec.job() + "'");
        };
    }

    /** Builds a spec's table. */
    public static JobResult run(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        return forSpec(spec).run(ctx, spec, options);
    }
}

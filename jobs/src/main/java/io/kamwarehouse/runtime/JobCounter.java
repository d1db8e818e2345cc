package io.kamwarehouse.runtime;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * With {@code -Dkamw.profile=true}, counts the Spark jobs the session runs, so each progress line
 * can say how many jobs its step took (see {@link Progress}). Registered once per session.
 */
public final class JobCounter extends SparkListener {

    private static final AtomicLong JOBS = new AtomicLong();
    private static volatile boolean registered;
    private static final java.util.Map<Integer, Long> STARTS = new java.util.concurrent.ConcurrentHashMap<>();

    private JobCounter() {
    }

    /** True when profiling was asked for ({@code -Dkamw.profile=true}, or {@code =jobs} to also print every job). */
    public static boolean enabled() {
        final String p = System.getProperty("kamw.profile", "");
        return "true".equals(p) || "jobs".equals(p);
    }

    private static boolean printJobs() {
        return "jobs".equals(System.getProperty("kamw.profile", ""));
    }

    /** CPU time this JVM has used so far, in milliseconds (-1 when the platform does not say). */
    public static long cpuMillis() {
        final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }

    /** Registers the counter on the session when profiling is on. */
    public static synchronized void register(final SparkSession spark) {
        if (enabled() && !registered) {
            spark.sparkContext().addSparkListener(new JobCounter());
            spark.listenerManager().register(new QueryPhases());
            registered = true;
        }
    }

    /** Spark jobs started so far in this JVM. */
    public static long jobs() {
        return JOBS.get();
    }

    @Override
    public void onJobStart(final SparkListenerJobStart jobStart) {
        JOBS.incrementAndGet();
        if (printJobs()) {
            final java.util.Properties p = jobStart.properties();
            final String description = p == null ? "" : p.getProperty("spark.job.description", "");
            final String callSite = p == null ? "" : p.getProperty("callSite.short", "");
            final StringBuilder stages = new StringBuilder();
            final StringBuilder where = new StringBuilder();
            scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageInfos()).forEach(st -> {
                stages.append(' ').append(st.numTasks());
                if (where.isEmpty()) {
                    // the first frames of this application in the stage's call site: which code asked for the job
                    java.util.Arrays.stream(st.details().split("\n")).filter(l -> l.contains("io.kamwarehouse")).limit(3)
                            .forEach(l -> where.append(" <- ").append(l.trim().replaceAll("^io\\.kamwarehouse\\.", "")));
                }
            });
            STARTS.put(jobStart.jobId(), System.nanoTime());
            System.err.println("    job " + jobStart.jobId() + ": " + (description.isBlank() ? callSite : description).replace('\n', ' ')
                    + " (tasks per stage:" + stages + ")" + where);
        }
    }

    @Override
    public void onJobEnd(final SparkListenerJobEnd jobEnd) {
        final Long t0 = STARTS.remove(jobEnd.jobId());
        if (printJobs() && t0 != null) {
            System.err.printf("    job %d ended after %d ms%n", jobEnd.jobId(), (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Prints, per query that ran, how long Spark took to analyse, optimise and plan it and to run it. */
    private static final class QueryPhases implements org.apache.spark.sql.util.QueryExecutionListener {

        @Override
        public void onSuccess(final String funcName, final org.apache.spark.sql.execution.QueryExecution qe, final long durationNs) {
            final StringBuilder phases = new StringBuilder();
            scala.jdk.javaapi.CollectionConverters.asJava(qe.tracker().phases()).forEach((name, summary) ->
                    phases.append(' ').append(name).append(' ').append(summary.durationMs()).append(" ms"));
            String what = "";
            if (printJobs()) {
                final String plan = qe.logical().simpleString(200).replace('\n', ' ');
                what = " [" + (plan.length() > 160 ? plan.substring(0, 160) : plan) + "]";
            }
            System.err.printf("    query %s:%s; ran %d ms%s%n", funcName, phases, durationNs / 1_000_000, what);
        }

        @Override
        public void onFailure(final String funcName, final org.apache.spark.sql.execution.QueryExecution qe, final Exception exception) {
            // the failure is reported by the step itself
        }
    }
}

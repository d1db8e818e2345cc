package io.kamwarehouse.spec;

/**
 * The parameters of one kind of job, read from the spec block named after the kind (for
 * {@code job: staging}, the {@code staging:} block). Each kind has its own record.
 */
public interface JobParams {

    /** The job kind these parameters belong to, e.g. {@code staging}. */
    String kind();
}

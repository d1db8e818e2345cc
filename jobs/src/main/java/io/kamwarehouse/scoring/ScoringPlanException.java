package io.kamwarehouse.scoring;

import io.kamwarehouse.KamwException;

/** A scoring plan file that cannot be used: the message names the file, the field path and the fix. */
public final class ScoringPlanException extends KamwException {

    private static final long serialVersionUID = 1L;

    public ScoringPlanException(final String message) {
        super(message);
    }
}

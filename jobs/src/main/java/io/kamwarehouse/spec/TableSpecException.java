package io.kamwarehouse.spec;

import io.kamwarehouse.KamwException;

/** A table spec that cannot be used, with the file and the field at fault in the message. */
public final class TableSpecException extends KamwException {

    private static final long serialVersionUID = 1L;

    public TableSpecException(final String message) {
        super(message);
    }
}

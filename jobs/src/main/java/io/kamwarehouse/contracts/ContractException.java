package io.kamwarehouse.contracts;

import io.kamwarehouse.KamwException;

/** A contract file that cannot be used, with the file and the field at fault in the message. */
public final class ContractException extends KamwException {

    private static final long serialVersionUID = 1L;

    public ContractException(final String message) {
        super(message);
    }
}

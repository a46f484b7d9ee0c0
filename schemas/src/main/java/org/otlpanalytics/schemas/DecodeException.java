package org.otlpanalytics.schemas;

/** A message that is not a valid OTLP export request; the message says why. */
public class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }

    public DecodeException(String message) {
        super(message);
    }
}

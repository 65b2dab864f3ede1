package dev.bedside.eval.chat;

import java.io.IOException;

/**
 * An endpoint answered with an HTTP error that retrying will not fix (a 4xx other than 429), or kept failing
 * after every retry. Carries the status and the start of the body so that the message says what went wrong.
 */
public final class ChatHttpException extends IOException {
    private final int status;
    private final String bodyExcerpt;

    public ChatHttpException(String message, int status, String bodyExcerpt) {
        super(message);
        this.status = status;
        this.bodyExcerpt = bodyExcerpt;
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The first characters of the response body. */
    public String bodyExcerpt() {
        return bodyExcerpt;
    }
}

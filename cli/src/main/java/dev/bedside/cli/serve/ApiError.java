package dev.bedside.cli.serve;

/**
 * A request the server refuses, answered with an HTTP status and OpenAI's error object
 * {@code {"error": {"message", "type", "param", "code"}}}. Thrown anywhere while handling a request; the
 * handler turns it into the response, so no stack trace ever reaches a client.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String type, param, code;

    ApiError(int status, String type, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request itself is wrong; {@code param} names the field (or null). */
    static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null);
    }

    static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code);
    }
}

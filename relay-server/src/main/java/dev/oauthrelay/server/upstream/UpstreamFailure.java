package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.RemoteReply;
import java.util.concurrent.CompletionException;

/**
 * Carries a decided {@link AttemptResult.Failed} through a future chain. Without a stack trace:
 * it is an outcome, not a bug.
 */
final class UpstreamFailure extends RuntimeException {

    private final transient AttemptResult.Failed result;

    UpstreamFailure(AttemptResult.Failed result) {
        super(result.reason(), null, false, false);
        this.result = result;
    }

    static UpstreamFailure of(AttemptResult.Stage stage, RemoteReply reply, String reason) {
        return new UpstreamFailure(new AttemptResult.Failed(stage, reply, reason, false));
    }

    AttemptResult.Failed result() {
        return result;
    }

    /**
     * The result for any throwable from a chain: an {@link UpstreamFailure} keeps its result; any
     * other error (connection lost, timeout, I/O) becomes a failure at {@code stage}.
     */
    static AttemptResult.Failed toResult(Throwable t, AttemptResult.Stage stage, boolean afterFinalDot) {
        Throwable cause = unwrap(t);
        if (cause instanceof UpstreamFailure failure) {
            return failure.result();
        }
        return new AttemptResult.Failed(stage, null, describe(cause), afterFinalDot);
    }

    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A one-line explanation: the message of the innermost cause that has one. */
    static String describe(Throwable t) {
        String message = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage();
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return message != null ? message : t.getClass().getSimpleName();
    }
}

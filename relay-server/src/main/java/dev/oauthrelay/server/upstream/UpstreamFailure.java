package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.RemoteReply;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.TokenProvider;
import dev.oauthrelay.token.TokenUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Carries a decided {@link AttemptResult.Failed} through a future chain. Without a stack trace:
 * it is an outcome, not a bug. Used by both upstreams (SMTP and Graph).
 */
public final class UpstreamFailure extends RuntimeException {

    private final transient AttemptResult.Failed result;

    public UpstreamFailure(AttemptResult.Failed result) {
        super(result.reason(), null, false, false);
        this.result = result;
    }

    public static UpstreamFailure of(AttemptResult.Stage stage, RemoteReply reply, String reason) {
        return new UpstreamFailure(new AttemptResult.Failed(stage, reply, reason, false));
    }

    public AttemptResult.Failed result() {
        return result;
    }

    /**
     * The result for any throwable from a chain: an {@link UpstreamFailure} keeps its result; any
     * other error (connection lost, timeout, I/O) becomes a failure at {@code stage}.
     */
    public static AttemptResult.Failed toResult(Throwable t, AttemptResult.Stage stage, boolean afterFinalDot) {
        Throwable cause = unwrap(t);
        if (cause instanceof UpstreamFailure failure) {
            return failure.result();
        }
        return new AttemptResult.Failed(stage, null, describe(cause), afterFinalDot);
    }

    /**
     * The provider's current token; any failure becomes Failed(TOKEN) with the provider's safe
     * message after {@code prefix} (e.g. "no access token: "), and nothing is sent.
     */
    public static CompletableFuture<AccessToken> token(TokenProvider tokens, String prefix) {
        CompletableFuture<AccessToken> future;
        try {
            future = tokens.currentToken();
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        return future.handle((token, t) -> {
            if (t != null) {
                Throwable cause = unwrap(t);
                // TokenUnavailableException's own message is the safe, operator-facing one.
                String why = cause instanceof TokenUnavailableException ? cause.getMessage() : describe(cause);
                throw of(AttemptResult.Stage.TOKEN, null, prefix + why);
            }
            return token;
        });
    }

    public static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A one-line explanation: the message of the innermost cause that has one. */
    public static String describe(Throwable t) {
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

package dev.oauthrelay.delivery;

/**
 * The answer to an operator's request about one message (retry, delete, release) or about the
 * whole queue (retry all).
 *
 * @param message what happened, or why not and what to do instead, for the operator
 */
public record OperatorResult(Outcome outcome, String message) {

    public enum Outcome {
        /** Done. */
        DONE,
        /** Accepted; it takes effect when the delivery attempt in progress ends (a delete). */
        PENDING,
        /** No such message in the queue, the dead-letter folder or quarantine. */
        NOT_FOUND,
        /** Not possible in the message's current state; {@link #message} says why. */
        REFUSED
    }

    static OperatorResult done(String message) {
        return new OperatorResult(Outcome.DONE, message);
    }

    static OperatorResult refused(String message) {
        return new OperatorResult(Outcome.REFUSED, message);
    }

    static OperatorResult notFound(Object id) {
        return new OperatorResult(Outcome.NOT_FOUND, "no message " + id + " in the queue, the dead-letter folder or quarantine");
    }
}

package dev.oauthrelay.smtp;

/** A command the relay could not accept; carries the exact reply to send. */
public final class SmtpSyntaxException extends Exception {
    private final transient SmtpReply reply;

    public SmtpSyntaxException(SmtpReply reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}

package dev.oauthrelay.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * One message to submit upstream in one SMTP transaction.
 *
 * @param mailbox        the mailbox to authenticate as (XOAUTH2 {@code user=})
 * @param mailFrom       the envelope sender ("" for the null sender)
 * @param mailParameters the validated MAIL parameters from the device ({@code BODY=8BITMIME},
 *                       {@code SMTPUTF8}, {@code SIZE=n}); the client passes each on only if the
 *                       upstream advertises the extension, and sends SIZE with {@link #bodySize()}
 * @param recipients     the recipients still to deliver to
 * @param bodySize       the body's size in bytes as stored
 * @param body           opens the message bytes as stored (unstuffed, as received)
 * @param identityKind   the kind of identity that submitted it (an {@code Envelope.KIND_*}), or
 *                       {@code ""} if unknown; with {@code identity}, chooses the upstream route
 * @param identity       the account's username or the network's CIDR, or {@code ""}
 */
public record Submission(String mailbox, String mailFrom, List<String> mailParameters, List<String> recipients,
                         long bodySize, Body body, String identityKind, String identity) {

    public Submission {
        mailParameters = List.copyOf(mailParameters);
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        identityKind = identityKind == null ? "" : identityKind;
        identity = identity == null ? "" : identity;
    }

    /** A submission of no particular identity (a test send, a login check): the default route. */
    public Submission(String mailbox, String mailFrom, List<String> mailParameters, List<String> recipients,
                      long bodySize, Body body) {
        this(mailbox, mailFrom, mailParameters, recipients, bodySize, body, "", "");
    }

    /** The same message for other recipients (the ones still pending). */
    public Submission withRecipients(List<String> newRecipients) {
        return new Submission(mailbox, mailFrom, mailParameters, newRecipients, bodySize, body, identityKind, identity);
    }

    /** Opens the message content; each attempt opens it afresh. */
    @FunctionalInterface
    public interface Body {
        InputStream open() throws IOException;
    }
}

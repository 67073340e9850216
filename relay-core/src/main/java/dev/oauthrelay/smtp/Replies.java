package dev.oauthrelay.smtp;

import static dev.oauthrelay.smtp.EnhancedStatus.of;

/**
 * The one catalogue of replies the relay sends to devices. Text is generic on purpose: details go
 * to the log, never to the client. Codes follow RFC 5321 section 4.2.2 and 4.3.2; enhanced
 * codes follow RFC 3463 and the registry of RFC 5248.
 */
public final class Replies {

    private Replies() {
    }

    // 2xx
    public static final SmtpReply OK = SmtpReply.of(250, of(2, 0, 0), "OK");
    public static final SmtpReply SENDER_OK = SmtpReply.of(250, of(2, 1, 0), "Sender OK");
    public static final SmtpReply RECIPIENT_OK = SmtpReply.of(250, of(2, 1, 5), "Recipient OK");
    public static final SmtpReply AUTH_OK = SmtpReply.of(235, of(2, 7, 0), "Authentication successful");
    public static final SmtpReply READY_FOR_TLS = SmtpReply.of(220, of(2, 0, 0), "Ready to start TLS");
    /** RFC 5321 section 3.5.3: VRFY may answer 252 rather than disclose mailboxes. */
    public static final SmtpReply CANNOT_VRFY =
            SmtpReply.of(252, of(2, 5, 0), "Cannot VRFY user, but will accept message and attempt delivery");
    public static final SmtpReply HELP = SmtpReply.of(214, of(2, 0, 0),
            "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
    public static final SmtpReply START_DATA = SmtpReply.of(354, "End data with <CR><LF>.<CR><LF>");
    /** RFC 4954 section 4: an empty server challenge for AUTH PLAIN without an initial response. */
    public static final SmtpReply SASL_EMPTY_CHALLENGE = SmtpReply.of(334, "");
    /** The conventional AUTH LOGIN prompts ("Username:" and "Password:" in base64) old devices expect. */
    public static final SmtpReply SASL_LOGIN_USERNAME = SmtpReply.of(334, "VXNlcm5hbWU6");
    public static final SmtpReply SASL_LOGIN_PASSWORD = SmtpReply.of(334, "UGFzc3dvcmQ6");

    // 4xx: temporary, the device retries
    public static final SmtpReply LOCAL_ERROR = SmtpReply.of(451, of(4, 3, 0), "Local error, message not stored; try again later");
    public static final SmtpReply INSUFFICIENT_STORAGE = SmtpReply.of(452, of(4, 3, 1), "Insufficient system storage; try again later");
    public static final SmtpReply TOO_MANY_RECIPIENTS = SmtpReply.of(452, of(4, 5, 3), "Too many recipients");
    public static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, of(4, 7, 0), "Too many errors, closing connection").closing();
    public static final SmtpReply TOO_MANY_CONNECTIONS = SmtpReply.of(421, of(4, 7, 0), "Too many connections, try again later").closing();
    public static final SmtpReply TOO_MANY_CONNECTIONS_FROM_ADDRESS =
            SmtpReply.of(421, of(4, 7, 0), "Too many connections from your address, try again later").closing();
    public static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, of(4, 3, 2), "Service shutting down, closing connection").closing();
    public static final SmtpReply INTERNAL_ERROR = SmtpReply.of(421, of(4, 3, 0), "Local error, closing connection; try again later").closing();
    public static final SmtpReply TLS_UNAVAILABLE = SmtpReply.of(454, of(4, 7, 0), "TLS not available due to temporary reason");

    // 5xx: permanent for this command
    public static final SmtpReply UNRECOGNIZED = SmtpReply.of(500, of(5, 5, 2), "Command unrecognized");
    public static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, of(5, 5, 2), "Line too long");
    public static final SmtpReply INVALID_UTF8 = SmtpReply.of(500, of(5, 5, 2), "Command line is not valid UTF-8");
    public static final SmtpReply SYNTAX = SmtpReply.of(501, of(5, 5, 4), "Syntax error in parameters or arguments");
    public static final SmtpReply NOT_IMPLEMENTED = SmtpReply.of(502, of(5, 5, 1), "Command not implemented");
    public static final SmtpReply BAD_SEQUENCE = SmtpReply.of(503, of(5, 5, 1), "Bad sequence of commands");
    public static final SmtpReply HELO_FIRST = SmtpReply.of(503, of(5, 5, 1), "Send HELO or EHLO first");
    public static final SmtpReply NESTED_MAIL = SmtpReply.of(503, of(5, 5, 1), "Sender already specified");
    public static final SmtpReply NEED_MAIL = SmtpReply.of(503, of(5, 5, 1), "Need MAIL command first");
    public static final SmtpReply NO_RECIPIENTS = SmtpReply.of(554, of(5, 5, 1), "No valid recipients");
    public static final SmtpReply ALREADY_AUTHENTICATED = SmtpReply.of(503, of(5, 5, 1), "Already authenticated");
    public static final SmtpReply AUTH_IN_TRANSACTION = SmtpReply.of(503, of(5, 5, 1), "AUTH not allowed during a mail transaction");
    public static final SmtpReply ALREADY_TLS = SmtpReply.of(503, of(5, 5, 1), "TLS already active");
    public static final SmtpReply UNKNOWN_MECHANISM = SmtpReply.of(504, of(5, 5, 4), "Unrecognized authentication mechanism");
    public static final SmtpReply UNSUPPORTED_PARAMETER = SmtpReply.of(555, of(5, 5, 4), "Unsupported MAIL or RCPT parameter");
    public static final SmtpReply BAD_BASE64 = SmtpReply.of(501, of(5, 5, 2), "Invalid base64 or SASL message");
    public static final SmtpReply AUTH_CANCELLED = SmtpReply.of(501, of(5, 0, 0), "Authentication cancelled");
    /** RFC 4954 section 6: the mechanism needs an encrypted connection; RFC 3207 asks for STARTTLS first. */
    public static final SmtpReply STARTTLS_FIRST = SmtpReply.of(530, of(5, 7, 0), "Must issue a STARTTLS command first");
    public static final SmtpReply ENCRYPTION_REQUIRED = SmtpReply.of(538, of(5, 7, 11), "Encryption required for requested authentication mechanism");
    public static final SmtpReply AUTH_REQUIRED = SmtpReply.of(530, of(5, 7, 0), "Authentication required");
    public static final SmtpReply AUTH_FAILED = SmtpReply.of(535, of(5, 7, 8), "Authentication credentials invalid");
    public static final SmtpReply BAD_SENDER_ADDRESS = SmtpReply.of(553, of(5, 1, 7), "Bad sender address syntax");
    public static final SmtpReply BAD_RECIPIENT_ADDRESS = SmtpReply.of(553, of(5, 1, 3), "Bad recipient address syntax");
    /** RFC 6531 section 3.5: a non-ASCII address needs the SMTPUTF8 parameter. */
    public static final SmtpReply SMTPUTF8_REQUIRED = SmtpReply.of(553, of(5, 6, 7), "Non-ASCII address requires SMTPUTF8");
    /**
     * A bare CR or LF in the message data on a listener (or trusted network) with
     * {@code data-line-endings = strict}: RFC 5321 section 2.3.8 allows CR and LF only together as
     * CRLF, and section 4.1.1.4 ends the data only at CRLF "." CRLF. Refusing the message and
     * closing, rather than guessing where the data ends, is the fix the SMTP smuggling advisories
     * recommend (SEC Consult, December 2023; CVE-2023-51764, CVE-2023-51765, CVE-2023-51766):
     * nothing the client sent after the stray byte is ever read as a command.
     */
    public static final SmtpReply BARE_LINE_ENDING =
            SmtpReply.of(521, of(5, 5, 2), "Bare CR or LF in message data; closing").closing();
    /**
     * BDAT without CHUNKING (RFC 3030), which the relay does not offer: RFC 5321 section 4.2.4
     * asks for 502 for a command that is recognised but not implemented. The client sends the
     * chunk's octets right behind the command line without waiting for a reply (RFC 3030 section
     * 2), so nothing after this line can be trusted to be a command: the connection is closed
     * rather than reading message bytes as commands, or skipping a chunk of any announced size.
     */
    public static final SmtpReply BDAT_NOT_OFFERED =
            SmtpReply.of(502, of(5, 5, 1), "BDAT not supported (no CHUNKING), closing connection").closing();
    /** RFC 1870 section 6.1. */
    public static final SmtpReply MESSAGE_TOO_BIG = SmtpReply.of(552, of(5, 3, 4), "Message size exceeds fixed maximum message size");

    // 5xx that end the session: the client is not a well-behaved SMTP client.
    /** RFC 2920 section 3.1 (and RFC 3207 section 4, RFC 4954 section 4): sent ahead of a reply it had to wait for. */
    public static final SmtpReply PIPELINING_VIOLATION = SmtpReply.of(554, of(5, 5, 0), "Pipelining violation").closing();
    /** RFC 5321 section 3.1: the client waits for the greeting before it sends anything. */
    public static final SmtpReply EARLY_TALKER =
            SmtpReply.of(554, of(5, 5, 0), "Client sent data before the greeting").closing();
    /** HTTP or header lines: not an SMTP client at all (5.7.0: refused by security policy, RFC 3463). */
    public static final SmtpReply NOT_SMTP = SmtpReply.of(554, of(5, 7, 0), "Not an SMTP command, closing connection").closing();

    public static SmtpReply greeting(String hostname) {
        return SmtpReply.of(220, hostname + " ESMTP OAuth SMTP Relay ready");
    }

    public static SmtpReply goodbye(String hostname) {
        return SmtpReply.of(221, of(2, 0, 0), hostname + " closing connection").closing();
    }

    // Timeouts (RFC 5321 section 4.5.3.2): 421 names the server and closes (section 4.2.3, 3.8);
    // 4.4.2 is "bad connection", which includes a timeout (RFC 3463).

    /** No input for the idle timeout (RFC 5321 section 4.5.3.2.7). */
    public static SmtpReply idleTimeout(String hostname) {
        return SmtpReply.of(421, of(4, 4, 2), hostname + " Idle timeout, closing connection").closing();
    }

    /** A command line was started but not finished within the per-command deadline. */
    public static SmtpReply commandTimeout(String hostname) {
        return SmtpReply.of(421, of(4, 4, 2), hostname + " Command timeout, closing connection").closing();
    }

    /** Message data arrived slower than the minimum data rate; the message is not accepted. */
    public static SmtpReply dataTimeout(String hostname) {
        return SmtpReply.of(421, of(4, 4, 2), hostname + " Data timeout, message not accepted; closing connection")
                .closing();
    }

    public static SmtpReply queued(String queueId) {
        return SmtpReply.of(250, of(2, 0, 0), "Ok: queued as " + queueId);
    }

    public static SmtpReply senderNotAllowed(String sender, String use) {
        return SmtpReply.of(550, of(5, 7, 1), "Sender <" + sender + "> not allowed for this device; use <" + use + ">");
    }

    public static SmtpReply senderRewritten(String mailbox) {
        return SmtpReply.of(250, of(2, 1, 0), "Sender OK, will be sent as <" + mailbox + ">");
    }
}

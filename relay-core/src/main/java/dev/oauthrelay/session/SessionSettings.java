package dev.oauthrelay.session;

import dev.oauthrelay.session.data.DataDecoder;

/**
 * What a session needs to know about its listener and the relay's limits.
 *
 * @param hostname           the relay's name in the greeting and the Received header
 * @param listenerName       the listener's configured name, for logs
 * @param tlsMode            how this listener offers TLS
 * @param allowPlaintextAuth whether AUTH is allowed before TLS on this listener
 * @param maxMessageSize     the SIZE limit in bytes (RFC 1870), including the added Received header
 * @param maxRecipients      recipients per message
 * @param maxErrors          protocol errors before the session is closed
 * @param minFreeSpace       free bytes the spool must keep; below it MAIL FROM gets 452 4.3.1
 * @param dataLineEndings    bare CR and LF in DATA: refused (STRICT) or stored as CRLF (NORMALIZE);
 *                           a trusted network's own setting wins for its clients
 */
public record SessionSettings(String hostname, String listenerName, TlsMode tlsMode, boolean allowPlaintextAuth,
                              long maxMessageSize, int maxRecipients, int maxErrors, long minFreeSpace,
                              DataDecoder.Mode dataLineEndings) {

    public SessionSettings {
        java.util.Objects.requireNonNull(dataLineEndings, "dataLineEndings");
    }

    /** With STRICT data line endings, the secure default. */
    public SessionSettings(String hostname, String listenerName, TlsMode tlsMode, boolean allowPlaintextAuth,
                           long maxMessageSize, int maxRecipients, int maxErrors, long minFreeSpace) {
        this(hostname, listenerName, tlsMode, allowPlaintextAuth, maxMessageSize, maxRecipients, maxErrors, minFreeSpace,
                DataDecoder.Mode.STRICT);
    }
}

package dev.oauthrelay.server.config;

import dev.oauthrelay.session.TlsMode;
import dev.oauthrelay.session.data.DataDecoder;

import java.util.Objects;

/**
 * One SMTP listener.
 *
 * @param name               unique name, used in logs and metrics
 * @param address            address to bind, an IP literal or a host name ({@code 0.0.0.0} = all IPv4)
 * @param port               TCP port; 0 means any free port (tests use it)
 * @param tls                how TLS is offered on this listener
 * @param allowPlaintextAuth whether AUTH is offered before TLS is active; off by default, because
 *                           AUTH PLAIN and LOGIN would send the password in the clear
 * @param dataLineEndings    bare CR or LF in DATA: refused with 521 and a close (STRICT, the
 *                           default) or stored as CRLF (NORMALIZE); a trusted network may override it
 * @param proxyProtocol      every connection must come from {@code relay.trusted-proxies} and start
 *                           with a PROXY protocol v1 or v2 header naming the real client
 * @param legacyTls          TLS 1.0 and 1.1 with CBC cipher suites on this listener (BoringSSL),
 *                           for old devices; other listeners and the upstream are not affected
 */
public record ListenerConfig(String name, String address, int port, TlsMode tls, boolean allowPlaintextAuth,
                             DataDecoder.Mode dataLineEndings, boolean proxyProtocol, boolean legacyTls) {

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(dataLineEndings, "dataLineEndings");
    }

    /** A listener with STRICT data line endings, the default. */
    public ListenerConfig(String name, String address, int port, TlsMode tls, boolean allowPlaintextAuth) {
        this(name, address, port, tls, allowPlaintextAuth, DataDecoder.Mode.STRICT);
    }

    /** A listener without the PROXY protocol and without legacy TLS, the defaults. */
    public ListenerConfig(String name, String address, int port, TlsMode tls, boolean allowPlaintextAuth,
                          DataDecoder.Mode dataLineEndings) {
        this(name, address, port, tls, allowPlaintextAuth, dataLineEndings, false, false);
    }
}

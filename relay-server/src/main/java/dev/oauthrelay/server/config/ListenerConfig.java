package dev.oauthrelay.server.config;

import dev.oauthrelay.session.TlsMode;

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
 */
public record ListenerConfig(String name, String address, int port, TlsMode tls, boolean allowPlaintextAuth) {

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
    }
}

package dev.oauthrelay.server.listener;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The address of the client on the other end of a connection: the one a PROXY protocol header
 * declared, if the connection came through a load balancer, otherwise the TCP peer.
 */
final class ClientAddress {

    /** Set by {@link ProxyHeaderHandler} before any SMTP handler is installed. */
    static final AttributeKey<InetSocketAddress> DECLARED = AttributeKey.valueOf("relay.clientAddress");

    private ClientAddress() {
    }

    static InetSocketAddress of(Channel ch) {
        InetSocketAddress declared = ch.attr(DECLARED).get();
        return declared != null ? declared : (InetSocketAddress) ch.remoteAddress();
    }
}

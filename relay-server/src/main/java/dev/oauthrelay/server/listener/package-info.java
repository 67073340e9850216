/**
 * The inbound side on the network: Netty listeners, TLS (implicit and STARTTLS), connection
 * limits, the PROXY protocol for listeners behind a load balancer, the idle and slow-drip
 * deadlines, and the thin handler that feeds each connection's bytes to its SMTP session.
 */
package dev.oauthrelay.server.listener;

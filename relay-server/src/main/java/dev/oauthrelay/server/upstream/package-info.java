/**
 * The upstream SMTP client: submits spooled messages to Exchange Online (or any submission server)
 * over STARTTLS (RFC 3207) or implicit TLS (RFC 8314) with SASL XOAUTH2, verifying the server's
 * certificate and host name before any token is sent.
 *
 * <p>{@link dev.oauthrelay.server.upstream.SmtpUpstream} is the entry point. Inside: a
 * {@code UpstreamConnection} wraps one Netty channel and matches replies to commands; the
 * {@code Connector} opens and secures connections; the {@code Authenticator} runs AUTH XOAUTH2
 * with one retry on a fresh token; the {@code ConnectionPool} keeps authenticated connections per
 * mailbox (at most a few at once, as Exchange Online allows 3 per mailbox); a
 * {@code MailTransaction} runs MAIL, RCPT and DATA and the {@code BodyWriter} streams the body.
 */
package dev.oauthrelay.server.upstream;

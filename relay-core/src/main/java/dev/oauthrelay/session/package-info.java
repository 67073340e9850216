/**
 * The SMTP server state machine: one {@link dev.oauthrelay.session.SmtpSession} per connection
 * turns command lines, data bytes and TLS events into replies and transport actions, without
 * touching a socket.
 */
package dev.oauthrelay.session;

/**
 * The audit log: one line per message event (received, refused, deferred, delivered, failed) on
 * the SLF4J logger {@value dev.oauthrelay.audit.AuditLog#LOGGER}, apart from the diagnostic log.
 * The event name is the message; the facts are key-value pairs (SLF4J 2), which the relay's
 * logging layout renders as escaped {@code key=value} text or as JSON fields. Events never carry
 * a password or token, so neither can reach this log.
 */
package dev.oauthrelay.audit;

/**
 * Readiness for {@code GET /health/ready}: a few named checks (listeners bound, spool writable
 * with enough free space, an access token at hand, the upstream reachable), each UP or DOWN with
 * a plain reason for the operator. Checks read the relay's state when asked; the delivery side is
 * learnt from the relay's events ({@link dev.oauthrelay.server.health.UpstreamHealth}).
 */
package dev.oauthrelay.server.health;

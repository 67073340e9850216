/**
 * Prometheus metrics for {@code GET /metrics}, with Micrometer: counters and timers from the
 * relay's events ({@link dev.oauthrelay.server.metrics.MetricsObserver}), gauges that read the
 * spool, the listeners and the token cache, and the JVM and Netty binders
 * ({@link dev.oauthrelay.server.metrics.RelayMetrics}). Names are by stage: {@code relay.smtp.in.*},
 * {@code relay.spool.*}, {@code relay.delivery.*}, {@code relay.token.*}.
 *
 * <p>Label values come from small fixed sets ({@link dev.oauthrelay.server.metrics.Labels}): never
 * a client address, a username, a mailbox, an envelope address or a queue id. Those belong in the
 * logs and the audit log, where their number does not multiply time series.
 */
package dev.oauthrelay.server.metrics;

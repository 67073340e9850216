/**
 * The status page on the admin port ({@code GET /}): health, access token, queue, devices and
 * recent failures in one self-contained HTML page, every Exchange Online or Entra ID error
 * explained by {@code ErrorExplainer}, the translator {@code relay check} and the log use too.
 * {@link dev.oauthrelay.server.status.StatusCollector} reads the relay's parts into a
 * {@link dev.oauthrelay.server.status.StatusView}; {@link dev.oauthrelay.server.status.StatusPage}
 * renders it, escaping every value.
 */
package dev.oauthrelay.server.status;

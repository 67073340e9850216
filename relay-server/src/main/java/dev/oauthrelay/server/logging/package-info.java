/**
 * How log lines look: {@link dev.oauthrelay.server.logging.RelayLogLayout} writes each event as
 * text ({@code ... - message key=value ...}) or as one JSON object per line, chosen by
 * {@code RELAY_LOG_FORMAT} in {@code logback.xml}. Values come from devices (HELO names,
 * Message-IDs, addresses) and are escaped so that no value can start a new line, fake a field,
 * or send control sequences to a terminal ({@link dev.oauthrelay.server.logging.LogText}).
 */
package dev.oauthrelay.server.logging;

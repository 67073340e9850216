/**
 * Configuration loading: reads {@code reference.conf} (every key, its default and its meaning),
 * the user's file, and environment overrides with Typesafe Config, then validates the result
 * into immutable records ({@link dev.oauthrelay.server.config.RelayConfig} and friends).
 *
 * <p>Bad configuration stops the relay at startup with an
 * {@link dev.oauthrelay.server.config.InvalidConfigException} that names the full key path
 * ({@code relay.listeners[1].port}), what is wrong and what is expected. All problems are
 * reported at once, so a user fixes the file in one pass. Password hashes never appear in
 * those messages.
 *
 * <p>Nothing outside this package sees a Typesafe {@code Config}: the rest of the relay takes
 * the records, which keeps Typesafe an implementation detail of startup.
 */
package dev.oauthrelay.server.config;

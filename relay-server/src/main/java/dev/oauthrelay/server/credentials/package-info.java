/**
 * Where the relay learns when its Entra ID credentials expire: the configuration and the
 * certificates ({@link dev.oauthrelay.server.credentials.ConfiguredExpiries}), Entra ID's refusals
 * ({@link dev.oauthrelay.server.credentials.EntraErrorExpiries}); and {@link
 * dev.oauthrelay.server.credentials.CredentialWatch}, which puts them together for metrics, health
 * and the status page, and logs a warning once a day while one is expiring or expired. The
 * judging itself is {@link dev.oauthrelay.credentials.Credentials}'s. Another source (a delegated
 * account's refresh token) is one more {@link dev.oauthrelay.credentials.CredentialSource}.
 */
package dev.oauthrelay.server.credentials;

/**
 * App-only access tokens from Microsoft Entra ID for Exchange Online: the settings, the MSAL4J
 * token source (client secret or certificate), and decoding a token's claims for {@code relay check}.
 * Caching and refreshing is not done here but by {@link dev.oauthrelay.token.CachingTokenProvider}.
 */
package dev.oauthrelay.server.oauth;

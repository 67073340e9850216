/**
 * Access tokens from Microsoft Entra ID for Exchange Online and Graph: the upstream accounts
 * (tenant, app registration, credential), their MSAL4J token sources, the per-account token caches
 * each mailbox is routed to, and decoding a token's claims for {@code relay check}. Caching and
 * refreshing itself is {@link dev.oauthrelay.token.CachingTokenProvider}'s job.
 */
package dev.oauthrelay.server.oauth;

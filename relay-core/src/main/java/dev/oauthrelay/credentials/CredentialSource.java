package dev.oauthrelay.credentials;

import java.util.List;

/**
 * Something that knows when credentials expire: the configuration, the certificates, Entra ID's
 * errors, a delegated account's sign-in. Asked again at each look (metrics scrape, health check,
 * status page), so a source may change its answer; it must be cheap and must not block.
 */
@FunctionalInterface
public interface CredentialSource {

    /** What this source knows now; any number per account and kind (merged by {@link Credentials}). */
    List<CredentialExpiry> expiries();
}

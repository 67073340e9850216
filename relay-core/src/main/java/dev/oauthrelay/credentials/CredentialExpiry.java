package dev.oauthrelay.credentials;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one source knows of when one credential of an upstream account expires.
 *
 * @param account   the upstream account's name ("default" is relay.oauth)
 * @param kind      which credential
 * @param configKey where the credential is configured, e.g. {@code relay.upstream-accounts[0].client-secret}:
 *                  the fix text names it
 * @param expiresAt when it expires; empty when the source does not know the date
 * @param expired   Entra ID said it has expired (whatever the date); then {@code expiresAt} may be empty
 * @param learntFrom where this was learnt, for people: {@code relay.oauth.client-secret-expires},
 *                  {@code the certificate's notAfter}, {@code Entra ID answered AADSTS7000222}
 */
public record CredentialExpiry(String account, CredentialKind kind, String configKey, Optional<Instant> expiresAt,
                               boolean expired, String learntFrom) {

    public CredentialExpiry {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(configKey, "configKey");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(learntFrom, "learntFrom");
    }

    /** A known date. */
    public static CredentialExpiry at(String account, CredentialKind kind, String configKey, Instant expiresAt,
                                      String learntFrom) {
        return new CredentialExpiry(account, kind, configKey, Optional.of(expiresAt), false, learntFrom);
    }

    /** A credential whose expiry nobody told the relay. */
    public static CredentialExpiry unknown(String account, CredentialKind kind, String configKey) {
        return new CredentialExpiry(account, kind, configKey, Optional.empty(), false, "nowhere");
    }

    /** Entra ID refused it as expired: expired now, date unknown. */
    public static CredentialExpiry reportedExpired(String account, CredentialKind kind, String configKey,
                                                   String learntFrom) {
        return new CredentialExpiry(account, kind, configKey, Optional.empty(), true, learntFrom);
    }

    /** Which credential this is about: the merge key of {@link Credentials}. */
    record Key(String account, CredentialKind kind) {
    }

    Key key() {
        return new Key(account, kind);
    }
}

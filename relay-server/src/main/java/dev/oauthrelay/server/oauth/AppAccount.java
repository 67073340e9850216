package dev.oauthrelay.server.oauth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An account signed in as the application itself (OAuth 2.0 client credentials, RFC 6749
 * section 4.4): tokens carry application permissions such as {@code SMTP.SendAsApp}.
 *
 * @param configPath          where it is configured: {@code relay.oauth} or {@code relay.upstream-accounts[1]}
 * @param clientSecretExpires when the client secret expires ({@code client-secret-expires}), if the
 *                            admin said so: Entra ID shows it when the secret is created, and the
 *                            relay cannot ask for it with the secret alone
 */
public record AppAccount(String name, OAuthSettings settings, String configPath, Optional<Instant> clientSecretExpires)
        implements UpstreamAccount {

    public AppAccount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(configPath, "configPath");
        Objects.requireNonNull(clientSecretExpires, "clientSecretExpires");
        if (clientSecretExpires.isPresent() && settings.clientSecret().isEmpty()) {
            throw new IllegalArgumentException("a client secret expiry needs a client secret");
        }
    }

    @Override
    public String tenantId() {
        return settings.tenantId();
    }

    @Override
    public String clientId() {
        return settings.clientId();
    }

    @Override
    public String describe() {
        return "account " + name + ": tenant " + settings.tenantId() + ", app " + settings.clientId() + " with a "
                + settings.credentialKind();
    }
}

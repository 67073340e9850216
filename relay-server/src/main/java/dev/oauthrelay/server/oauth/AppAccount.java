package dev.oauthrelay.server.oauth;

/**
 * An account signed in as the application itself (OAuth 2.0 client credentials, RFC 6749
 * section 4.4): tokens carry application permissions such as {@code SMTP.SendAsApp}.
 */
public record AppAccount(String name, OAuthSettings settings) implements UpstreamAccount {

    public AppAccount {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(settings, "settings");
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

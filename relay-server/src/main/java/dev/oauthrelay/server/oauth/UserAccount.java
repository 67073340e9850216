package dev.oauthrelay.server.oauth;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An account signed in as a user (delegated permissions), for tenants that will not grant the
 * app-only {@code SMTP.SendAsApp}: {@code relay login --account <name>} runs the device
 * authorization grant (RFC 8628) once, and the relay then keeps the user's refresh token, encrypted
 * in {@code tokenFile}, and redeems it for access tokens. The app registration is a public client
 * (no secret); tokens can only send as the signed-in user.
 *
 * @param smtpScope           e.g. {@code https://outlook.office.com/SMTP.Send}
 * @param trustedCertificates extra CA certificates for the authority (a private endpoint, the stand-in)
 * @param tokenFile           where the session is stored, {@code <data-dir>/sign-in/<name>.token}
 * @param key                 the key it is encrypted with ({@code relay.sign-in})
 */
public record UserAccount(String name, String tenantId, String clientId, String authority, String smtpScope,
                          Optional<Path> trustedCertificates, Path tokenFile, SignInKey.Source key)
        implements UpstreamAccount {

    public UserAccount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(smtpScope, "smtpScope");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(key, "key");
        trustedCertificates = trustedCertificates == null ? Optional.empty() : trustedCertificates;
        authority = authority.endsWith("/") ? authority : authority + "/";
        URI uri = URI.create(authority);
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("authority must be an https URL: " + authority);
        }
    }

    /** The store of the signed-in session, with the key loaded. */
    public TokenStore store(SignInKey loadedKey) {
        return new TokenStore(tokenFile, loadedKey, name, tenantId, clientId);
    }

    /**
     * The delegated scope for Graph's sendMail beside an app-only Graph scope
     * ({@code https://graph.microsoft.com/.default} becomes {@code .../Mail.Send}).
     */
    public static String delegatedGraphScope(String appGraphScope) {
        return appGraphScope.endsWith("/.default")
                ? appGraphScope.substring(0, appGraphScope.length() - ".default".length()) + "Mail.Send" : appGraphScope;
    }

    @Override
    public String describe() {
        return "account " + name + ": tenant " + tenantId + ", app " + clientId + " signed in as a user"
                + " (relay login --account " + name + ")";
    }
}

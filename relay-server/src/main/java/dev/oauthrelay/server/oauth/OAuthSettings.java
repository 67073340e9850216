package dev.oauthrelay.server.oauth;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to obtain app-only tokens: the tenant, the app registration and exactly one credential (a
 * client secret, a PEM certificate plus private key, or a PKCS#12 file).
 * {@link #toString()} never shows the secret or the PKCS#12 password.
 *
 * @param authority           e.g. {@code https://login.microsoftonline.com/<tenant>/}; a trailing
 *                            slash is added if missing
 * @param scope               e.g. {@link #EXCHANGE_ONLINE_SCOPE}
 * @param trustedCertificates extra PEM CA certificates trusted for the authority, on top of the
 *                            JDK's (a private endpoint, a TLS-inspecting proxy, or the stand-in)
 */
public record OAuthSettings(
        String tenantId,
        String clientId,
        Optional<String> clientSecret,
        Optional<Path> certificate,
        Optional<Path> privateKey,
        Optional<Path> pkcs12,
        Optional<String> pkcs12Password,
        String authority,
        String scope,
        Optional<Path> trustedCertificates) {

    /** Worldwide and GCC; sovereign clouds use their own host (see the operator guide). */
    public static final String EXCHANGE_ONLINE_SCOPE = "https://outlook.office365.com/.default";

    public OAuthSettings {
        requireText(tenantId, "tenant id");
        requireText(clientId, "client id");
        requireText(authority, "authority");
        requireText(scope, "scope");
        clientSecret = clientSecret == null ? Optional.empty() : clientSecret.filter(s -> !s.isEmpty());
        certificate = certificate == null ? Optional.empty() : certificate;
        privateKey = privateKey == null ? Optional.empty() : privateKey;
        pkcs12 = pkcs12 == null ? Optional.empty() : pkcs12;
        pkcs12Password = pkcs12Password == null ? Optional.empty() : pkcs12Password;
        trustedCertificates = trustedCertificates == null ? Optional.empty() : trustedCertificates;
        authority = authority.endsWith("/") ? authority : authority + "/";
        URI uri = URI.create(authority);
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("authority must be an https URL: " + authority);
        }
        int credentials = (clientSecret.isPresent() ? 1 : 0)
                + (certificate.isPresent() || privateKey.isPresent() ? 1 : 0)
                + (pkcs12.isPresent() ? 1 : 0);
        if (credentials != 1) {
            throw new IllegalArgumentException(
                    "exactly one client credential is required: a client secret, a certificate with its"
                            + " private key, or a PKCS#12 file (found " + credentials + ")");
        }
        if (certificate.isPresent() != privateKey.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs both the certificate and the private key file");
        }
    }

    /** Client-secret settings for the worldwide cloud. */
    public static OAuthSettings withSecret(String tenantId, String clientId, String secret) {
        return new OAuthSettings(tenantId, clientId, Optional.of(secret), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), defaultAuthority(tenantId), EXCHANGE_ONLINE_SCOPE, Optional.empty());
    }

    /** {@code https://login.microsoftonline.com/<tenant>/}. */
    public static String defaultAuthority(String tenantId) {
        return "https://login.microsoftonline.com/" + tenantId + "/";
    }

    /** Which kind of credential is configured, for logs and {@code relay check}. */
    public String credentialKind() {
        if (clientSecret.isPresent()) {
            return "client secret";
        }
        return pkcs12.isPresent() ? "certificate (PKCS#12 " + pkcs12.get() + ")"
                : "certificate (" + certificate.orElseThrow() + ")";
    }

    public OAuthSettings withAuthority(String newAuthority) {
        return new OAuthSettings(tenantId, clientId, clientSecret, certificate, privateKey, pkcs12, pkcs12Password,
                newAuthority, scope, trustedCertificates);
    }

    /** The same app registration and credential, for another resource (Graph). */
    public OAuthSettings withScope(String newScope) {
        return new OAuthSettings(tenantId, clientId, clientSecret, certificate, privateKey, pkcs12, pkcs12Password,
                authority, newScope, trustedCertificates);
    }

    public OAuthSettings withTrustedCertificates(Path bundle) {
        return new OAuthSettings(tenantId, clientId, clientSecret, certificate, privateKey, pkcs12, pkcs12Password,
                authority, scope, Optional.of(bundle));
    }

    @Override
    public String toString() {
        return "OAuthSettings[tenantId=" + tenantId + ", clientId=" + clientId
                + ", credential=" + credentialKind()
                + ", authority=" + authority + ", scope=" + scope
                + trustedCertificates.map(p -> ", trustedCertificates=" + p).orElse("") + "]";
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}

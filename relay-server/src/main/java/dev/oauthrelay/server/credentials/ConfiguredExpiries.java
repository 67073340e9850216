package dev.oauthrelay.server.credentials;

import dev.oauthrelay.credentials.CredentialExpiry;
import dev.oauthrelay.credentials.CredentialKind;
import dev.oauthrelay.credentials.CredentialSource;
import dev.oauthrelay.server.oauth.AppAccount;
import dev.oauthrelay.server.oauth.OAuthSettings;
import dev.oauthrelay.server.oauth.UpstreamAccount;
import dev.oauthrelay.server.tls.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the configuration says of each app account's credential, read once at start: a client
 * secret's {@code client-secret-expires} (unknown without it), a certificate's notAfter (from the
 * PEM certificate, or the certificate of the PKCS#12 file's key). The token source reads the
 * credential only at start too, so a new one takes a restart either way.
 */
public final class ConfiguredExpiries implements CredentialSource {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredExpiries.class);

    private final List<CredentialExpiry> expiries;

    public ConfiguredExpiries(Collection<UpstreamAccount> accounts) {
        List<CredentialExpiry> out = new ArrayList<>();
        for (UpstreamAccount account : accounts) {
            if (account instanceof AppAccount app) {
                out.add(of(app));
            }
        }
        this.expiries = Collections.unmodifiableList(out);
    }

    @Override
    public List<CredentialExpiry> expiries() {
        return expiries;
    }

    static CredentialExpiry of(AppAccount app) {
        OAuthSettings s = app.settings();
        if (s.clientSecret().isPresent()) {
            String key = configKey(app);
            return app.clientSecretExpires()
                    .map(t -> CredentialExpiry.at(app.name(), CredentialKind.CLIENT_SECRET, key, t, key + "-expires"))
                    .orElseGet(() -> CredentialExpiry.unknown(app.name(), CredentialKind.CLIENT_SECRET, key));
        }
        String key = configKey(app);
        Optional<Instant> notAfter = s.pkcs12().isPresent()
                ? pkcs12NotAfter(s.pkcs12().get(), s.pkcs12Password().orElse(""))
                : pemNotAfter(s.certificate().orElseThrow());
        return notAfter.map(t -> CredentialExpiry.at(app.name(), CredentialKind.CERTIFICATE, key, t,
                        "the certificate's notAfter"))
                .orElseGet(() -> CredentialExpiry.unknown(app.name(), CredentialKind.CERTIFICATE, key));
    }

    /** Where the account's credential is configured: {@code relay.oauth.client-secret}, {@code ....certificate} or {@code ....pkcs12}. */
    static String configKey(AppAccount app) {
        OAuthSettings s = app.settings();
        return app.configPath() + (s.clientSecret().isPresent() ? ".client-secret"
                : s.pkcs12().isPresent() ? ".pkcs12" : ".certificate");
    }

    private static Optional<Instant> pemNotAfter(Path file) {
        try {
            return Optional.of(PemFiles.readCertificateChain(file).get(0).getNotAfter().toInstant());
        } catch (RuntimeException e) {
            log.warn("cannot read the expiry of the client certificate {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** The certificate of the first key entry, as MSAL4J picks it. */
    private static Optional<Instant> pkcs12NotAfter(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                Certificate c = store.isKeyEntry(alias) ? store.getCertificate(alias) : null;
                if (c instanceof X509Certificate x509) {
                    return Optional.of(x509.getNotAfter().toInstant());
                }
            }
            log.warn("cannot read the expiry of the client certificate {}: no key entry with a certificate", file);
        } catch (IOException | GeneralSecurityException e) {
            // Never the password: KeyStore messages do not echo it.
            log.warn("cannot read the expiry of the client certificate {}: {}", file, e.getClass().getSimpleName());
        }
        return Optional.empty();
    }
}

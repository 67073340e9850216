package dev.oauthrelay.server.oauth;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import dev.oauthrelay.server.tls.PemFiles;
import dev.oauthrelay.server.tls.TlsMaterialException;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.TokenSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches app-only tokens with MSAL4J's client-credentials flow. Every call asks Entra ID: caching
 * and refreshing is {@link dev.oauthrelay.token.CachingTokenProvider}'s job, because MSAL's cache is
 * unreliable here (see the operator guide).
 *
 * <p>Failures complete the future with a {@link dev.oauthrelay.token.TokenUnavailableException}
 * naming Entra's AADSTS code or the network error, never the secret, the assertion or a token.
 */
public final class MsalTokenSource implements TokenSource, AutoCloseable {

    /** Hosts of Microsoft's own authorities; any other host is a private endpoint or the stand-in. */
    private static final Set<String> MICROSOFT_LOGIN_HOSTS = Set.of(
            "login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "sts.windows.net",
            "login.microsoftonline.us", "login.usgovcloudapi.net",
            "login.chinacloudapi.cn", "login.partner.microsoftonline.cn");

    /** A hung token endpoint must not hold the single in-flight fetch for long. */
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final OAuthSettings settings;
    private final ExecutorService executor;
    private final ConfidentialClientApplication app;
    private final ClientCredentialParameters parameters;
    private final MsalErrors errors;

    /**
     * @throws IllegalArgumentException if a credential or trust file cannot be used; the message
     *     names the file and never contains key material or passwords
     */
    public MsalTokenSource(OAuthSettings settings) {
        this.settings = settings;
        this.errors = MsalErrors.redacting(
                List.of(settings.clientSecret().orElse(""), settings.pkcs12Password().orElse("")),
                settings.authority() + "oauth2/v2.0/token");
        IClientCredential credential = credential(settings);
        this.executor = newExecutor();
        try {
            ConfidentialClientApplication.Builder builder = ConfidentialClientApplication
                    .builder(settings.clientId(), credential)
                    .authority(settings.authority())
                    // Its own threads: MSAL blocks a thread per request (and sleeps 1 s before
                    // retrying a 5xx), which must be neither the common pool nor a Netty event loop.
                    .executorService(executor)
                    .connectTimeoutForDefaultHttpClient(CONNECT_TIMEOUT_MILLIS)
                    .readTimeoutForDefaultHttpClient(READ_TIMEOUT_MILLIS);
            if (!isMicrosoftHost(settings.authority())) {
                // Otherwise MSAL first asks login.microsoftonline.com about the authority.
                builder.instanceDiscovery(false).validateAuthority(false);
            }
            settings.trustedCertificates().ifPresent(bundle -> builder.sslSocketFactory(ExtraTrust.socketFactory(bundle)));
            this.app = builder.build();
        } catch (MalformedURLException | RuntimeException e) {
            executor.shutdownNow();
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("invalid authority " + settings.authority() + ": " + e.getMessage(), e);
        }
        this.parameters = ClientCredentialParameters.builder(Set.of(settings.scope()))
                .skipCache(true) // we cache ourselves
                .build();
    }

    @Override
    public CompletableFuture<AccessToken> fetch() {
        CompletableFuture<AccessToken> result = new CompletableFuture<>();
        CompletableFuture<IAuthenticationResult> request;
        try {
            request = app.acquireToken(parameters);
        } catch (RuntimeException e) {
            result.completeExceptionally(errors.map(e));
            return result;
        }
        request.whenComplete((r, error) -> {
            if (error != null) {
                result.completeExceptionally(errors.map(error));
            } else {
                try {
                    result.complete(new AccessToken(r.accessToken(), r.expiresOnDate().toInstant()));
                } catch (RuntimeException e) {
                    result.completeExceptionally(errors.map(e));
                }
            }
        });
        return result;
    }

    public OAuthSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    static boolean isMicrosoftHost(String authority) {
        String host = URI.create(authority).getHost();
        return host != null && MICROSOFT_LOGIN_HOSTS.contains(host.toLowerCase(Locale.ROOT));
    }

    private static ExecutorService newExecutor() {
        AtomicInteger n = new AtomicInteger();
        // Two threads: fetches are single-flight, but a stuck one must not block the next attempt.
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "msal-token-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static IClientCredential credential(OAuthSettings s) {
        if (s.clientSecret().isPresent()) {
            return ClientCredentialFactory.createFromSecret(s.clientSecret().get());
        }
        if (s.pkcs12().isPresent()) {
            return fromPkcs12(s.pkcs12().get(), s.pkcs12Password().orElse(""));
        }
        Path certFile = s.certificate().orElseThrow();
        Path keyFile = s.privateKey().orElseThrow();
        try {
            X509Certificate cert = PemFiles.readCertificateChain(certFile).get(0);
            PrivateKey key = PemFiles.readPrivateKey(keyFile);
            requireUsableKey(cert, key, certFile, keyFile);
            return ClientCredentialFactory.createFromCertificate(key, cert);
        } catch (TlsMaterialException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static IClientCredential fromPkcs12(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            return ClientCredentialFactory.createFromCertificate(in, password);
        } catch (IOException | GeneralSecurityException e) {
            // The password is not in the message: KeyStore errors do not echo it.
            String why = e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("password")
                    ? "wrong password or corrupt file" : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw new IllegalArgumentException(file + ": cannot read PKCS#12 client certificate: " + why, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": cannot use PKCS#12 client certificate: " + e.getMessage(), e);
        }
    }

    /**
     * MSAL4J signs client assertions with SHA256withRSA only, and a key that does not match the
     * certificate would only show up as an AADSTS700027 from Entra: check both up front.
     */
    private static void requireUsableKey(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
        if (!"RSA".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException(keyFile + ": MSAL4J signs with RS256 only; the client certificate"
                    + " needs an RSA key, not " + key.getAlgorithm());
        }
        boolean matches;
        try {
            byte[] probe = "oauth-smtp-relay key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(probe);
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signer.sign());
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(keyFile + ": private key does not match the certificate in " + certFile);
        }
    }
}

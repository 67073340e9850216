package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.json.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.oauthrelay.server.tls.PemFiles;
import dev.oauthrelay.server.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for Entra ID's token endpoint ({@code POST /<tenant>/oauth2/v2.0/token}, client
 * credentials with a secret or a certificate assertion) on {@code https://localhost:<port>/}. It
 * answers in Entra's shapes, so MSAL4J and the relay's error handling see what they would see in
 * production, and its tokens are JWT-shaped with the claims Exchange Online tokens carry.
 *
 * <p>The tokens are not signed (the third part is random): only {@link #isValid(String)}, used by
 * the upstream stand-in, decides whether one is good.
 *
 * <p>Controls for tests and the demo: client registrations, token lifetime, latency, outage
 * ({@link #setDown}), canned failures ({@link #failNext}) and revocation.
 */
public final class StandInTokenEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandInTokenEndpoint.class);

    public static final String DEFAULT_TENANT = "11111111-2222-3333-4444-555555555555";
    public static final String DEFAULT_SCOPE = "https://outlook.office365.com/.default";
    public static final String SEND_AS_APP_ROLE = "SMTP.SendAsApp";
    /** Microsoft Graph application permissions: sending, and drafts with attachments (large messages). */
    public static final String MAIL_SEND_ROLE = "Mail.Send";
    public static final String MAIL_READ_WRITE_ROLE = "Mail.ReadWrite";
    /** The delegated scope for SMTP AUTH as the signed-in user (worldwide cloud). */
    public static final String DELEGATED_SMTP_SCOPE = "https://outlook.office.com/SMTP.Send";

    /** Entra adds these to every request made through MSAL; they say nothing about the resource. */
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access");

    private final String tenantId;
    private final Path certificatePath;
    private final SSLContext sslContext;
    private final ExecutorService executor;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Registration> clients = new ConcurrentHashMap<>();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    /** Resource scope -> the application roles its tokens carry. */
    private final Map<String, List<String>> scopes = new ConcurrentHashMap<>(Map.of(DEFAULT_SCOPE, List.of(SEND_AS_APP_ROLE)));
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    /** Apps whose client secret is past its end date. */
    private final Set<String> expiredSecrets = ConcurrentHashMap.newKeySet();
    private final Queue<CannedFailure> failures = new ConcurrentLinkedQueue<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requestCount = new AtomicInteger();
    private final int port;

    private volatile Duration tokenLifetime = Duration.ofSeconds(3599); // what Entra typically says
    private volatile Duration latency = Duration.ZERO;

    /** Null while down or closed. Guarded by this. */
    private HttpsServer server;
    private boolean closed;

    private record Registration(String secret, X509Certificate certificate) {}

    private record CannedFailure(int status, String body) {}

    /** A token's expiry, the scope and roles it was issued for, and the user it is for (null: the app itself). */
    private record Issued(Instant expires, String scope, List<String> roles, String user) {}

    /** The delegated flows: device code sign-in and rotating refresh tokens. */
    private final StandInUserSignIn userSignIn = new StandInUserSignIn();

    private StandInTokenEndpoint(String tenantId, Path certificatePath, SSLContext sslContext) throws IOException {
        this.tenantId = tenantId;
        this.certificatePath = certificatePath;
        this.sslContext = sslContext;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "standin-token-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = listen(0);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        this.port = server.getAddress().getPort();
    }

    /**
     * Starts on 127.0.0.1, on a free port, with the default tenant.
     *
     * @param dir where the endpoint's self-signed certificate is kept (in a {@code token-endpoint}
     *            subdirectory, so it never replaces the listeners' self-signed certificate)
     */
    public static StandInTokenEndpoint start(Path dir) {
        return start(dir, DEFAULT_TENANT);
    }

    public static StandInTokenEndpoint start(Path dir, String tenantId) {
        SelfSignedCertificate.CertificatePaths paths = SelfSignedCertificate.ensure(dir.resolve("token-endpoint"), "localhost");
        try {
            StandInTokenEndpoint endpoint = new StandInTokenEndpoint(tenantId, paths.certificate(), sslContext(paths));
            log.info("Stand-in token endpoint listening on {}", endpoint.authority());
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start stand-in token endpoint: " + e.getMessage(), e);
        }
    }

    /** The authority to configure in MSAL: {@code https://localhost:<port>/<tenant>/}. */
    public String authority() {
        return "https://localhost:" + port + "/" + tenantId + "/";
    }

    public String tokenEndpoint() {
        return authority() + "oauth2/v2.0/token";
    }

    public String tenantId() {
        return tenantId;
    }

    public int port() {
        return port;
    }

    /** The PEM certificate clients must trust (SANs localhost, 127.0.0.1, ::1). */
    public Path certificatePath() {
        return certificatePath;
    }

    /** Registers (or adds) a client secret for an app. */
    public void registerClient(String clientId, String secret) {
        clients.merge(clientId, new Registration(secret, null),
                (old, add) -> new Registration(add.secret(), old.certificate()));
    }

    /** Registers (or adds) a certificate credential for an app. */
    public void registerClient(String clientId, X509Certificate certificate) {
        clients.merge(clientId, new Registration(null, certificate),
                (old, add) -> new Registration(old.secret(), add.certificate()));
    }

    /**
     * Lets the app's client secret pass its end date, or not: a request with it is then refused with
     * AADSTS7000222, as Entra ID does.
     */
    public void expireSecret(String clientId, boolean expired) {
        if (expired) {
            expiredSecrets.add(clientId);
        } else {
            expiredSecrets.remove(clientId);
        }
    }

    /** Makes {@code scope} the one resource scope granted (default {@link #DEFAULT_SCOPE}), with the SMTP role. */
    public void setScope(String scope) {
        scopes.clear();
        scopes.put(scope, List.of(SEND_AS_APP_ROLE));
    }

    /**
     * Grants one more resource scope (a request still names exactly one), e.g. Graph's, whose
     * tokens carry {@code roles}; granting it again replaces the roles (consent changed).
     */
    public void grantScope(String scope, String... roles) {
        scopes.put(scope, List.of(roles));
    }

    public void setTokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    /** Delay before every answer, e.g. to see callers share one slow fetch. */
    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    /**
     * Simulates an outage as the relay usually meets it (network down, proxy or firewall in the way):
     * the port is closed, so connections are refused. Coming back up listens on the same port again.
     * (An Entra-side 5xx is what {@link #failNext} is for.)
     */
    public synchronized void setDown(boolean down) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (down && server != null) {
            server.stop(0);
            server = null;
            log.info("Stand-in token endpoint is down");
        } else if (!down && server == null) {
            try {
                server = listen(port);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on port " + port + " again: " + e.getMessage(), e);
            }
            log.info("Stand-in token endpoint is up again");
        }
    }

    public synchronized boolean isDown() {
        return server == null;
    }

    /** Answers the next token request with this status and (Entra-shaped JSON) body instead. Queued. */
    public void failNext(int status, String aadstsJsonBody) {
        failures.add(new CannedFailure(status, aadstsJsonBody));
    }

    /** Every HTTP request received, on any path. */
    public int requestCount() {
        return requestCount.get();
    }

    /** "METHOD /path" of every request, to see what a client asked for. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Issued by this endpoint (for any scope), not expired and not revoked. */
    public boolean isValid(String accessToken) {
        Issued i = issued.get(accessToken);
        return i != null && Instant.now().isBefore(i.expires()) && !revoked.contains(accessToken);
    }

    /** Valid, and issued for {@code scope}: a resource accepts only tokens meant for it (the audience). */
    public boolean isValidFor(String accessToken, String scope) {
        return isValid(accessToken) && issued.get(accessToken).scope().equals(scope);
    }

    /** The roles of a token valid for {@code scope}; null if it is not valid for it. */
    public Set<String> rolesFor(String accessToken, String scope) {
        return isValidFor(accessToken, scope) ? Set.copyOf(issued.get(accessToken).roles()) : null;
    }

    public void revoke(String accessToken) {
        revoked.add(accessToken);
    }

    /** Registers an app that allows public client flows (device code sign-in, no credential). */
    public void registerPublicClient(String clientId) {
        userSignIn.registerPublicClient(clientId);
    }

    /** A user of the tenant who can sign in, e.g. {@code scanner@contoso.com}. */
    public void addUser(String userPrincipalName) {
        userSignIn.addUser(userPrincipalName);
    }

    /** Consent to a delegated scope, e.g. {@value #DELEGATED_SMTP_SCOPE}. */
    public void grantDelegatedScope(String scope) {
        userSignIn.grantDelegatedScope(scope);
    }

    /** The user at the verification page approves the device code {@code userCode}; false if unknown. */
    public boolean approveDeviceCode(String userCode, String user) {
        return userSignIn.approve(userCode, user, false);
    }

    /** Refresh tokens redeemed so far (each returned a new one and spent the old). */
    public int refreshTokenRedemptions() {
        return userSignIn.redemptions();
    }

    /** Completed device code sign-ins. */
    public int userSignIns() {
        return userSignIn.signIns();
    }

    /** Refresh tokens that can still be redeemed (for tests proving none reaches a log or a file in clear). */
    public Set<String> liveRefreshTokens() {
        return userSignIn.liveRefreshTokens();
    }

    /** Makes every refresh token look unused for {@code by}, as after the relay was off that long. */
    public void ageRefreshTokens(Duration by) {
        userSignIn.ageRefreshTokens(by);
    }

    /** Revokes the refresh tokens of {@code user}, as a password reset does. */
    public void revokeUserSessions(String user) {
        userSignIn.revokeUser(user);
    }

    /**
     * What a token may do on Graph for {@code mailbox}: an app token's roles for {@code appScope}
     * ({@code <resource>/.default}); a user's token for {@code <resource>/Mail.Send} has Mail.Send
     * on the user's own mailbox and nothing on others; null if the token is not valid for the resource.
     */
    public Set<String> graphPermissions(String accessToken, String appScope, String mailbox) {
        Set<String> roles = rolesFor(accessToken, appScope);
        if (roles != null) {
            return roles;
        }
        if (!isValid(accessToken) || !appScope.endsWith("/.default")) {
            return null;
        }
        Issued i = issued.get(accessToken);
        String delegated = appScope.substring(0, appScope.length() - ".default".length()) + "Mail.Send";
        if (i.user() == null || !i.scope().equals(delegated)) {
            return null;
        }
        return i.user().equalsIgnoreCase(mailbox) ? Set.of("Mail.Send") : Set.of();
    }

    /** The user a delegated token was issued to; null for an app token or an invalid one. */
    public String userOf(String accessToken) {
        Issued i = issued.get(accessToken);
        return isValid(accessToken) ? i.user() : null;
    }

    /**
     * Whether Exchange Online would let {@code accessToken} authenticate as {@code mailbox} over SMTP:
     * an app token for {@value #DEFAULT_SCOPE} (the mailbox permission is Exchange's business), or a
     * user's token for {@value #DELEGATED_SMTP_SCOPE} issued to that very mailbox.
     */
    public boolean acceptsForSmtp(String mailbox, String accessToken) {
        if (!isValid(accessToken)) {
            return false;
        }
        Issued i = issued.get(accessToken);
        return i.user() == null ? DEFAULT_SCOPE.equals(i.scope())
                : DELEGATED_SMTP_SCOPE.equals(i.scope()) && i.user().equalsIgnoreCase(mailbox);
    }

    /** Mints the access tokens of the delegated flows, in the same shape and register as app tokens. */
    private final StandInUserSignIn.Minter minter = new StandInUserSignIn.Minter() {
        @Override
        public String accessToken(String user, String oid, String clientId, String scope) {
            return issueForUser(user, oid, clientId, scope);
        }

        @Override
        public String tenantId() {
            return tenantId;
        }

        @Override
        public String baseUrl() {
            return "https://localhost:" + port + "/";
        }

        @Override
        public Duration tokenLifetime() {
            return tokenLifetime;
        }
    };

    private String issueForUser(String user, String oid, String clientId, String scope) {
        Instant now = Instant.now();
        Instant expires = now.plus(tokenLifetime);
        int slash = scope.lastIndexOf('/');
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", scope.substring(0, slash));
        claims.put("iss", "https://sts.windows.net/" + tenantId + "/");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", expires.getEpochSecond());
        claims.put("appid", clientId);
        claims.put("idtyp", "user");
        claims.put("oid", oid);
        claims.put("scp", scope.substring(slash + 1));
        claims.put("tid", tenantId);
        claims.put("upn", user);
        claims.put("ver", "1.0");
        claims.put("jti", UUID.randomUUID().toString());
        String token = unsignedJwt(claims, random);
        issued.values().removeIf(i -> i.expires().isBefore(now));
        issued.put(token, new Issued(expires, scope, List.of(), user));
        return token;
    }

    /** Tokens issued and not yet expired, for tests that prove no token ever reaches a log. */
    public Set<String> issuedTokens() {
        return Set.copyOf(issued.keySet());
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }
        executor.shutdownNow();
    }

    private HttpsServer listen(int onPort) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(sslContext));
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        return s;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requestCount.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            log.debug("Stand-in token endpoint: {} {}", exchange.getRequestMethod(), path); // never the body
            pause();
            String clientRequestId = exchange.getRequestHeaders().getFirst("client-request-id");
            if (clientRequestId != null) {
                exchange.getResponseHeaders().set("client-request-id", clientRequestId);
            }
            String[] segments = path.split("/");
            boolean oauthPath = segments.length == 5 && segments[0].isEmpty()
                    && "oauth2".equals(segments[2]) && "v2.0".equals(segments[3]);
            boolean tokenPath = oauthPath && "token".equals(segments[4]);
            if ("/devicelogin".equals(path) && "POST".equals(exchange.getRequestMethod())) {
                // The verification page, as a browser would post it: never logged (it names the user).
                Map<String, String> form = form(exchange.getRequestBody());
                boolean ok = userSignIn.approve(form.get("code"), form.get("user"), "decline".equals(form.get("action")));
                send(exchange, ok ? 200 : 400, ok ? "{\"status\":\"approved\"}" : "{\"error\":\"unknown code or user\"}");
                return;
            }
            if (oauthPath && "devicecode".equals(segments[4]) && "POST".equals(exchange.getRequestMethod())) {
                Object answer = tenantId.equals(segments[1]) ? userSignIn.deviceCode(form(exchange.getRequestBody()), minter)
                        : EntraError.tenantNotFound(segments[1]);
                if (answer instanceof EntraError error) {
                    send(exchange, error.status(), error.json());
                } else {
                    send(exchange, 200, (String) answer);
                }
                return;
            }
            if (!tokenPath) {
                send(exchange, 404, "{\"error\":\"not_found\"}");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
                return;
            }
            CannedFailure canned = failures.poll();
            if (canned != null) {
                send(exchange, canned.status(), canned.body());
                return;
            }
            Map<String, String> form = form(exchange.getRequestBody());
            // Names and public values only: never the secret, the assertion or a token.
            log.debug("Token request: grant_type={} client_id={} scope={} credential={}", form.get("grant_type"),
                    form.get("client_id"), form.get("scope"), form.containsKey("client_assertion") ? "assertion"
                            : form.containsKey("client_secret") ? "secret" : "none");
            Object answer = token(segments[1], form);
            if (answer instanceof EntraError error) {
                log.debug("Stand-in token endpoint refuses: AADSTS{}", error.code());
                send(exchange, error.status(), error.json());
            } else {
                send(exchange, 200, (String) answer);
            }
        } catch (RuntimeException e) {
            log.warn("Stand-in token endpoint failed: {}", e.toString());
            throw e;
        }
    }

    /** The success body, or the error to answer with. */
    private Object token(String tenant, Map<String, String> form) {
        if (!tenantId.equals(tenant)) {
            return EntraError.tenantNotFound(tenant);
        }
        String grantType = form.get("grant_type");
        if (grantType == null) {
            return EntraError.missingParameter("grant_type");
        }
        // RFC 8628 names the grant with the URN; MSAL4J sends the short form, which Entra accepts too.
        if ("urn:ietf:params:oauth:grant-type:device_code".equals(grantType) || "device_code".equals(grantType)) {
            return userSignIn.redeemDeviceCode(form, minter);
        }
        if ("refresh_token".equals(grantType)) {
            return userSignIn.redeemRefreshToken(form, minter);
        }
        if (!"client_credentials".equals(grantType)) {
            return EntraError.unsupportedGrant(grantType);
        }
        String clientId = form.get("client_id");
        if (clientId == null) {
            return EntraError.missingParameter("client_id");
        }
        Registration client = clients.get(clientId);
        if (client == null) {
            return EntraError.unknownClient(clientId, tenantId);
        }
        Optional<EntraError> credentialError = checkCredential(clientId, client, form);
        if (credentialError.isPresent()) {
            return credentialError.get();
        }
        String requested = form.get("scope");
        if (requested == null) {
            return EntraError.missingParameter("scope");
        }
        List<String> resources = new ArrayList<>();
        for (String s : requested.trim().split("\\s+")) {
            if (!OIDC_SCOPES.contains(s)) {
                resources.add(s);
            }
        }
        if (resources.size() != 1 || !scopes.containsKey(resources.get(0))) {
            return EntraError.invalidScope(String.join(" ", resources));
        }
        return issue(clientId, client.certificate() != null && form.containsKey("client_assertion"), resources.get(0));
    }

    private Optional<EntraError> checkCredential(String clientId, Registration client, Map<String, String> form) {
        String assertion = form.get("client_assertion");
        if (assertion != null) {
            if (!ClientAssertion.TYPE.equals(form.get("client_assertion_type"))) {
                return Optional.of(EntraError.missingParameter("client_assertion_type"));
            }
            if (client.certificate() == null) {
                return Optional.of(EntraError.invalidAssertionSignature("The key was not found."));
            }
            String base = "/" + tenantId;
            return ClientAssertion.check(assertion, clientId, client.certificate(), port,
                    Set.of(base + "/oauth2/v2.0/token", base + "/v2.0"), Instant.now());
        }
        String secret = form.get("client_secret");
        if (secret == null) {
            return Optional.of(EntraError.missingCredential());
        }
        if (!secret.equals(client.secret())) {
            return Optional.of(EntraError.invalidSecret(clientId));
        }
        return expiredSecrets.contains(clientId) ? Optional.of(EntraError.expiredSecret(clientId)) : Optional.empty();
    }

    private String issue(String clientId, boolean byCertificate, String scope) {
        Instant now = Instant.now();
        Duration lifetime = tokenLifetime;
        Instant expires = now.plus(lifetime);
        String resource = scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length()) : scope;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", resource);
        claims.put("iss", "https://sts.windows.net/" + tenantId + "/");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", expires.getEpochSecond());
        claims.put("appid", clientId);
        claims.put("appidacr", byCertificate ? "2" : "1");
        claims.put("idtyp", "app");
        List<String> roles = scopes.getOrDefault(scope, List.of());
        claims.put("roles", roles);
        claims.put("tid", tenantId);
        claims.put("ver", "1.0");
        claims.put("jti", UUID.randomUUID().toString());
        String token = unsignedJwt(claims, random);
        issued.values().removeIf(i -> i.expires().isBefore(now)); // keep the demo's memory bounded
        issued.put(token, new Issued(expires, scope, roles, null));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("expires_in", lifetime.toSeconds());
        body.put("ext_expires_in", lifetime.toSeconds());
        body.put("access_token", token);
        return Json.write(body);
    }

    /**
     * A JWT-shaped token with these claims and a random third part in place of a signature: MSAL
     * and the relay only decode tokens; the stand-ins decide validity by lookup.
     */
    static String unsignedJwt(Map<String, Object> claims, SecureRandom random) {
        byte[] signature = new byte[32];
        random.nextBytes(signature);
        return Json.base64Url("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"stand-in\"}")
                + "." + Json.base64Url(Json.write(claims)) + "." + Json.base64Url(signature);
    }

    private void pause() {
        Duration d = latency;
        if (!d.isZero()) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Map<String, String> form(InputStream body) throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store, no-cache");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A server TLS context with the stand-ins' self-signed certificate (also used by {@link StandInGraph}). */
    static SSLContext sslContext(SelfSignedCertificate.CertificatePaths paths) {
        try {
            List<X509Certificate> chain = PemFiles.readCertificateChain(paths.certificate());
            PrivateKey key = PemFiles.readPrivateKey(paths.privateKey());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("standin", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the stand-in's TLS context: " + e.getMessage(), e);
        }
    }
}

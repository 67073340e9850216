package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.json.Json;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The delegated half of the Entra ID stand-in: the device authorization grant (RFC 8628) for
 * public clients, and refresh tokens (RFC 6749 section 6) that rotate on every use. It is
 * stricter than Entra in one way, on purpose: a refresh token is invalid once it has been
 * redeemed, so a client that does not keep the rotated one fails at once, not after 90 days.
 *
 * <p>A "user" approves a device code by posting {@code code} and {@code user} to
 * {@code /devicelogin} (what a browser would do at the verification page) or through
 * {@link StandInTokenEndpoint#approveDeviceCode}.
 */
final class StandInUserSignIn {

    /** Entra's default for device codes. */
    static final Duration DEVICE_CODE_LIFETIME = Duration.ofMinutes(15);
    /** Entra's inactivity limit for refresh tokens. */
    static final Duration REFRESH_INACTIVITY = Duration.ofDays(90);

    private final SecureRandom random = new SecureRandom();
    private final Set<String> publicClients = ConcurrentHashMap.newKeySet();
    /** User principal name (lower case) -> object id. */
    private final Map<String, String> users = new ConcurrentHashMap<>();
    /** Delegated scopes the tenant has consented to, e.g. https://outlook.office.com/SMTP.Send. */
    private final Set<String> delegatedScopes = ConcurrentHashMap.newKeySet();
    private final Map<String, DeviceCode> deviceCodes = new ConcurrentHashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new ConcurrentHashMap<>();
    private final AtomicInteger redemptions = new AtomicInteger();
    private final AtomicInteger signIns = new AtomicInteger();

    /** A pending or approved device code; {@code user} null while pending. */
    private static final class DeviceCode {
        final String userCode;
        final String clientId;
        final String scope;
        final Instant expires;
        volatile String user;
        volatile boolean declined;

        DeviceCode(String userCode, String clientId, String scope, Instant expires) {
            this.userCode = userCode;
            this.clientId = clientId;
            this.scope = scope;
            this.expires = expires;
        }
    }

    private record RefreshToken(String user, String clientId, Instant issued, Instant lastUsed) {}

    /** What the endpoint needs to mint an access token for a user. */
    interface Minter {
        String accessToken(String user, String oid, String clientId, String scope);

        String tenantId();

        String baseUrl();

        Duration tokenLifetime();
    }

    void registerPublicClient(String clientId) {
        publicClients.add(clientId);
    }

    void addUser(String upn) {
        users.putIfAbsent(upn.toLowerCase(Locale.ROOT), UUID.randomUUID().toString());
    }

    void grantDelegatedScope(String scope) {
        delegatedScopes.add(scope);
    }

    boolean isPublicClient(String clientId) {
        return publicClients.contains(clientId);
    }

    /** {@code POST /<tenant>/oauth2/v2.0/devicecode}. */
    Object deviceCode(Map<String, String> form, Minter minter) {
        String clientId = form.get("client_id");
        if (clientId == null) {
            return EntraError.missingParameter("client_id");
        }
        if (!publicClients.contains(clientId)) {
            return EntraError.notPublicClient(clientId);
        }
        String scope = resourceScope(form.get("scope"));
        if (scope == null) {
            return EntraError.invalidScope(String.valueOf(form.get("scope")));
        }
        String userCode = userCode();
        String deviceCode = randomToken();
        deviceCodes.put(deviceCode, new DeviceCode(userCode, clientId, scope, Instant.now().plus(DEVICE_CODE_LIFETIME)));
        String verification = minter.baseUrl() + "devicelogin";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_code", userCode);
        body.put("device_code", deviceCode);
        body.put("verification_uri", verification);
        body.put("expires_in", DEVICE_CODE_LIFETIME.toSeconds());
        body.put("interval", 1); // Entra says 5; the tests need not wait that long
        body.put("message", "To sign in, use a web browser to open the page " + verification + " and enter the code "
                + userCode + " to authenticate.");
        return Json.write(body);
    }

    /** The user at the verification page: approves (or declines) the code as {@code user}. */
    boolean approve(String userCode, String user, boolean decline) {
        String upn = user == null ? null : user.toLowerCase(Locale.ROOT);
        if (!decline && (upn == null || !users.containsKey(upn))) {
            return false;
        }
        for (DeviceCode c : deviceCodes.values()) {
            if (c.userCode.equalsIgnoreCase(userCode == null ? "" : userCode.strip()) && c.user == null && !c.declined) {
                if (decline) {
                    c.declined = true;
                } else {
                    c.user = upn;
                }
                return true;
            }
        }
        return false;
    }

    /** {@code grant_type=urn:ietf:params:oauth:grant-type:device_code}. */
    Object redeemDeviceCode(Map<String, String> form, Minter minter) {
        DeviceCode c = deviceCodes.get(String.valueOf(form.get("device_code")));
        if (c == null || !c.clientId.equals(form.get("client_id"))) {
            return EntraError.badDeviceCode();
        }
        if (Instant.now().isAfter(c.expires)) {
            deviceCodes.values().remove(c);
            return EntraError.deviceCodeExpired();
        }
        if (c.declined) {
            deviceCodes.values().remove(c);
            return EntraError.deviceCodeDeclined();
        }
        if (c.user == null) {
            return EntraError.authorizationPending();
        }
        deviceCodes.values().remove(c);
        signIns.incrementAndGet();
        return tokens(c.user, c.clientId, c.scope, Instant.now(), minter);
    }

    /** {@code grant_type=refresh_token}: a new access token and a new refresh token; the old one is spent. */
    Object redeemRefreshToken(Map<String, String> form, Minter minter) {
        String presented = form.get("refresh_token");
        if (presented == null) {
            return EntraError.missingParameter("refresh_token");
        }
        RefreshToken rt = refreshTokens.remove(presented);
        if (rt == null || !rt.clientId().equals(form.get("client_id"))) {
            return EntraError.refreshTokenInvalid();
        }
        if (Instant.now().isAfter(rt.lastUsed().plus(REFRESH_INACTIVITY))) {
            return EntraError.refreshTokenExpired(rt.issued());
        }
        String scope = resourceScope(form.get("scope"));
        if (scope == null) {
            refreshTokens.put(presented, rt); // a bad request does not spend the token
            return EntraError.invalidScope(String.valueOf(form.get("scope")));
        }
        redemptions.incrementAndGet();
        return tokens(rt.user(), rt.clientId(), scope, rt.issued(), minter);
    }

    /** Makes every refresh token look unused for 90 days, as after a long outage of the relay. */
    void ageRefreshTokens(Duration by) {
        refreshTokens.replaceAll((k, rt) -> new RefreshToken(rt.user(), rt.clientId(), rt.issued().minus(by),
                rt.lastUsed().minus(by)));
    }

    /** Revokes every refresh token of {@code user} (a password reset, or an admin's revocation). */
    void revokeUser(String user) {
        refreshTokens.values().removeIf(rt -> rt.user().equalsIgnoreCase(user));
    }

    int redemptions() {
        return redemptions.get();
    }

    int signIns() {
        return signIns.get();
    }

    Set<String> liveRefreshTokens() {
        return Set.copyOf(refreshTokens.keySet());
    }

    private String tokens(String user, String clientId, String scope, Instant firstIssued, Minter minter) {
        String oid = users.get(user);
        String refresh = randomToken();
        Instant now = Instant.now();
        refreshTokens.put(refresh, new RefreshToken(user, clientId, firstIssued, now));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("scope", scope);
        body.put("expires_in", minter.tokenLifetime().toSeconds());
        body.put("ext_expires_in", minter.tokenLifetime().toSeconds());
        body.put("access_token", minter.accessToken(user, oid, clientId, scope));
        body.put("refresh_token", refresh);
        body.put("id_token", idToken(user, oid, clientId, minter.tenantId(), now));
        body.put("client_info", Json.base64Url(Json.write(Map.of("uid", oid, "utid", minter.tenantId()))));
        return Json.write(body);
    }

    private String idToken(String user, String oid, String clientId, String tenantId, Instant now) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", clientId);
        claims.put("iss", "https://login.microsoftonline.com/" + tenantId + "/v2.0");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        claims.put("name", user);
        claims.put("oid", oid);
        claims.put("preferred_username", user);
        claims.put("sub", oid);
        claims.put("tid", tenantId);
        claims.put("ver", "2.0");
        return StandInTokenEndpoint.unsignedJwt(claims, random);
    }

    /** The one delegated resource scope among the requested ones (MSAL adds openid, profile, offline_access). */
    private String resourceScope(String requested) {
        if (requested == null) {
            return null;
        }
        List<String> resources = new ArrayList<>();
        for (String s : requested.trim().split("\\s+")) {
            if (!Set.of("openid", "profile", "offline_access", "email").contains(s)) {
                resources.add(s);
            }
        }
        return resources.size() == 1 && delegatedScopes.contains(resources.get(0)) ? resources.get(0) : null;
    }

    private String userCode() {
        String alphabet = "BCDFGHJKLMNPQRSTVWXZ";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Json.base64Url(bytes);
    }
}

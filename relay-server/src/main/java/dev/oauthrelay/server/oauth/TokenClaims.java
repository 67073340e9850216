package dev.oauthrelay.server.oauth;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import dev.oauthrelay.token.AccessToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What {@code relay check} shows about an access token: which app and tenant it was issued to, its
 * application roles (Exchange Online needs {@code SMTP.SendAsApp}) and its expiry. The token is
 * decoded, not verified: the relay only forwards it, Exchange Online verifies it.
 *
 * @param appId    the {@code appid} (v1 tokens) or {@code azp} (v2) claim; empty if unknown
 * @param tenantId the {@code tid} claim; empty if unknown
 * @param scopes   delegated permissions ({@code scp}) of a user's token; empty for an app token
 * @param user     the user a delegated token is for ({@code upn}, else {@code preferred_username}); empty for an app token
 */
public record TokenClaims(String appId, String tenantId, List<String> roles, Instant expiresOn, List<String> scopes,
                          String user) {

    public static final String SEND_AS_APP_ROLE = "SMTP.SendAsApp";
    /** The delegated permission a user's token needs for SMTP AUTH. */
    public static final String SMTP_SEND_SCOPE = "SMTP.Send";

    public TokenClaims {
        roles = List.copyOf(roles);
        scopes = List.copyOf(scopes);
    }

    public TokenClaims(String appId, String tenantId, List<String> roles, Instant expiresOn) {
        this(appId, tenantId, roles, expiresOn, List.of(), "");
    }

    /** A user's (delegated) token rather than the app's own. */
    public boolean delegated() {
        return !user.isEmpty() || !scopes.isEmpty();
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /**
     * Decodes the JWT payload. Tokens that are not JWTs (Entra may issue opaque tokens to other
     * resources) yield empty values and the expiry MSAL reported.
     */
    public static TokenClaims parse(AccessToken token) {
        Map<String, Object> claims = payload(token.value());
        Object exp = claims.get("exp");
        Instant expiresOn = exp instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : token.expiresOn();
        String appId = text(claims.get("appid"));
        if (appId.isEmpty()) {
            appId = text(claims.get("azp"));
        }
        List<String> roles = claims.get("roles") instanceof List<?> list
                ? list.stream().map(String::valueOf).toList()
                : List.of();
        List<String> scopes = text(claims.get("scp")).isBlank() ? List.of()
                : List.of(text(claims.get("scp")).trim().split("\\s+"));
        String user = text(claims.get("upn"));
        if (user.isEmpty()) {
            user = text(claims.get("preferred_username"));
        }
        return new TokenClaims(appId, text(claims.get("tid")), roles, expiresOn, scopes, user);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    private static Map<String, Object> payload(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return Map.of();
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(parts[1]);
            try (JsonReader reader = JsonProviders.createReader(new String(json, StandardCharsets.UTF_8))) {
                reader.nextToken();
                return reader.readMap(JsonReader::readUntyped);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of(); // not a JWT after all
        }
    }

    private static String text(Object value) {
        return value instanceof String s ? s : "";
    }
}

package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A token endpoint error in Entra ID's shape: {@code error}, an {@code error_description} that
 * starts with the AADSTS code and ends with trace and correlation ids, and {@code error_codes}.
 */
record EntraError(int status, String error, int code, String description) {

    static EntraError invalidSecret(String clientId) {
        return new EntraError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret"
                + " being sent in the request is the client secret value, not the client secret ID, for a secret"
                + " added to app '" + clientId + "'.");
    }

    /** Entra's words for a client secret past its end date (AADSTS7000222). */
    static EntraError expiredSecret(String clientId) {
        return new EntraError(401, "invalid_client", 7000222, "The provided client secret keys for app '" + clientId
                + "' are expired. Visit the Azure portal to create new keys for your app:"
                + " https://aka.ms/NewClientSecret, or consider using certificate credentials for added security:"
                + " https://aka.ms/certCreds.");
    }

    /** A client assertion signed with a certificate past its end date: AADSTS700027, reason "The key used is expired." */
    static EntraError expiredCertificate(String thumbprint, String start, String end) {
        return new EntraError(401, "invalid_client", 700027, "Client assertion contains an invalid signature."
                + " [Reason - The key used is expired., Thumbprint of key used by client: '" + thumbprint
                + "', Found key 'Start=" + start + ", End=" + end + "']");
    }

    static EntraError unknownClient(String clientId, String tenantId) {
        return new EntraError(400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                + "' was not found in the directory '" + tenantId + "'. This can happen if the application has"
                + " not been installed by the administrator of the tenant or consented to by any user in the"
                + " tenant. You may have sent your authentication request to the wrong tenant.");
    }

    static EntraError invalidScope(String scope) {
        return new EntraError(400, "invalid_scope", 70011, "The provided request must include a 'scope' input"
                + " parameter. The provided value for the input parameter 'scope' is not valid. The scope "
                + scope + " is not valid.");
    }

    static EntraError missingParameter(String name) {
        return new EntraError(400, "invalid_request", 900144,
                "The request body must contain the following parameter: '" + name + "'.");
    }

    static EntraError missingCredential() {
        return new EntraError(401, "invalid_client", 7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    static EntraError unsupportedGrant(String grantType) {
        return new EntraError(400, "unsupported_grant_type", 70003,
                "The app requested an unsupported grant type '" + grantType + "'.");
    }

    static EntraError tenantNotFound(String tenant) {
        return new EntraError(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make"
                + " sure you have the correct tenant ID and are signing into the correct cloud.");
    }

    static EntraError invalidAssertionSignature(String reason) {
        return new EntraError(401, "invalid_client", 700027, "Client assertion failed signature validation. "
                + "[Reason - " + reason + "]");
    }

    static EntraError assertionExpired() {
        return new EntraError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
    }

    static EntraError malformedAssertion(String reason) {
        return new EntraError(401, "invalid_client", 50027, "JWT token is invalid or malformed. [Reason - "
                + reason + "]");
    }

    static EntraError authorizationPending() {
        return new EntraError(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is"
                + " pending. Continue polling.");
    }

    static EntraError deviceCodeExpired() {
        return new EntraError(400, "expired_token", 70020, "The provided value for the input parameter"
                + " 'device_code' is not valid. This device code has expired.");
    }

    static EntraError deviceCodeDeclined() {
        return new EntraError(400, "authorization_declined", 70000, "The user declined the sign-in request.");
    }

    static EntraError badDeviceCode() {
        return new EntraError(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
    }

    static EntraError refreshTokenExpired(java.time.Instant issued) {
        return new EntraError(400, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The"
                + " token was issued on " + issued + " and was inactive for 90.00:00:00.");
    }

    static EntraError refreshTokenInvalid() {
        return new EntraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    }

    static EntraError notPublicClient(String clientId) {
        return new EntraError(401, "invalid_client", 7000218, "The request body must contain the following"
                + " parameter: 'client_assertion' or 'client_secret'. (App '" + clientId + "' does not allow"
                + " public client flows.)");
    }

    String json() {
        Instant now = Instant.now();
        String timestamp = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC).format(now);
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", "AADSTS" + code + ": " + description + "\r\nTrace ID: " + traceId
                + "\r\nCorrelation ID: " + correlationId + "\r\nTimestamp: " + timestamp);
        body.put("error_codes", List.of(code));
        body.put("timestamp", timestamp);
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        body.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        return Json.write(body);
    }
}

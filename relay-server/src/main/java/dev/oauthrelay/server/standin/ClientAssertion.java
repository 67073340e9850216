package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a certificate credential's client assertion (RFC 7523) as Entra ID does, as far as a stand-in
 * sensibly can: the signature against the registered certificate, the certificate thumbprint in the
 * header, {@code iss} and {@code sub} equal to the client id, {@code aud} naming this token endpoint,
 * and {@code nbf}/{@code exp} with Entra's five minutes of clock skew.
 */
final class ClientAssertion {

    static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static final Duration SKEW = Duration.ofMinutes(5);

    private ClientAssertion() {}

    /**
     * @param audiencePaths the accepted {@code aud} paths (token endpoint, issuer), on this host and port
     * @return the error to answer with, or empty if the assertion is good
     */
    static Optional<EntraError> check(String assertion, String clientId, X509Certificate registered, int port,
            Set<String> audiencePaths, Instant now) {
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.of(EntraError.malformedAssertion("not a JWS compact serialisation"));
        }
        Map<String, Object> header;
        Map<String, Object> claims;
        byte[] signature;
        try {
            header = Json.parseObject(Json.fromBase64Url(parts[0]));
            claims = Json.parseObject(Json.fromBase64Url(parts[1]));
            signature = Json.fromBase64Url(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.of(EntraError.malformedAssertion("header or payload is not base64url JSON"));
        }

        Optional<EntraError> thumbprint = checkThumbprint(header, registered);
        if (thumbprint.isPresent()) {
            return thumbprint;
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!verify(String.valueOf(header.get("alg")), signed, signature, registered)) {
            return Optional.of(EntraError.invalidAssertionSignature("signature does not verify with the registered certificate"));
        }

        if (registered.getNotAfter().toInstant().isBefore(now)) {
            return Optional.of(expired(registered));
        }
        if (!clientId.equals(claims.get("iss")) || !clientId.equals(claims.get("sub"))) {
            return Optional.of(EntraError.malformedAssertion("iss and sub must be the client id"));
        }
        if (!audienceOk(claims.get("aud"), port, audiencePaths)) {
            return Optional.of(EntraError.malformedAssertion("aud does not name this token endpoint: " + claims.get("aud")));
        }
        if (!(claims.get("exp") instanceof Number exp)) {
            return Optional.of(EntraError.malformedAssertion("no exp claim"));
        }
        if (Instant.ofEpochSecond(exp.longValue()).isBefore(now.minus(SKEW))) {
            return Optional.of(EntraError.assertionExpired());
        }
        if (claims.get("nbf") instanceof Number nbf && Instant.ofEpochSecond(nbf.longValue()).isAfter(now.plus(SKEW))) {
            return Optional.of(EntraError.assertionExpired());
        }
        return Optional.empty();
    }

    /** The registered key is past its end date: Entra names its SHA-1 thumbprint and validity as below. */
    private static EntraError expired(X509Certificate cert) {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss")
                .withZone(java.time.ZoneOffset.UTC);
        String thumbprint;
        try {
            thumbprint = java.util.HexFormat.of().withUpperCase()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            thumbprint = "?";
        }
        return EntraError.expiredCertificate(thumbprint, f.format(cert.getNotBefore().toInstant()),
                f.format(cert.getNotAfter().toInstant()));
    }

    /**
     * Entra finds the key by the thumbprint in the header; a wrong one means "key not found". MSAL4J
     * 1.26 writes {@code x5t#S256} in standard base64 with padding rather than RFC 7515's base64url,
     * and Entra accepts it, so both encodings are compared by their bytes.
     */
    private static Optional<EntraError> checkThumbprint(Map<String, Object> header, X509Certificate cert) {
        try {
            byte[] der = cert.getEncoded();
            Object s256 = header.get("x5t#S256");
            Object sha1 = header.get("x5t");
            if (s256 == null && sha1 == null) {
                return Optional.empty(); // optional in RFC 7515; Entra then tries the app's keys
            }
            boolean match = (s256 != null && matches(s256, "SHA-256", der)) || (sha1 != null && matches(sha1, "SHA-1", der));
            return match ? Optional.empty()
                    : Optional.of(EntraError.invalidAssertionSignature("The key was not found. Thumbprint of key used by client: '"
                            + (s256 != null ? s256 : sha1) + "'"));
        } catch (GeneralSecurityException e) {
            return Optional.of(EntraError.invalidAssertionSignature("registered certificate unusable"));
        }
    }

    private static boolean matches(Object thumbprint, String digest, byte[] der) throws GeneralSecurityException {
        String normalised = String.valueOf(thumbprint).replace('+', '-').replace('/', '_').replace("=", "");
        byte[] claimed;
        try {
            claimed = Json.fromBase64Url(normalised);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(claimed, MessageDigest.getInstance(digest).digest(der));
    }

    private static boolean verify(String alg, byte[] signed, byte[] signature, X509Certificate cert) {
        try {
            Signature verifier;
            switch (alg) {
                case "RS256" -> verifier = Signature.getInstance("SHA256withRSA");
                case "PS256" -> {
                    verifier = Signature.getInstance("RSASSA-PSS");
                    verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                }
                default -> {
                    return false; // Entra accepts RS256 and PS256 for client assertions
                }
            }
            verifier.initVerify(cert.getPublicKey());
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean audienceOk(Object aud, int port, Set<String> paths) {
        if (!(aud instanceof String s)) {
            return false;
        }
        try {
            URI uri = URI.create(s);
            return "https".equals(uri.getScheme())
                    && ("localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()))
                    && uri.getPort() == port
                    && paths.contains(uri.getPath());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

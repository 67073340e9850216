package dev.oauthrelay.server.oauth;

import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;
import dev.oauthrelay.token.TokenUnavailableException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns MSAL4J failures into a {@link TokenUnavailableException} whose message an operator can act
 * on: Entra's AADSTS code and description, or the network error. The secrets given to {@link
 * #redacting} are cut out of every message, in case a server or library ever echoes one. What a
 * code means and how to fix it is not added here: {@code ErrorExplainer} says that wherever the
 * error is shown (log, {@code relay check}, status page), so there is one translator.
 */
final class MsalErrors {

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern ACCESS_TOKEN_FIELD = Pattern.compile("(\"(?:access_token|refresh_token|id_token)\"\\s*:\\s*\")[^\"]*\"");

    private final List<String> secrets;
    private final String tokenEndpoint;

    private MsalErrors(List<String> secrets, String tokenEndpoint) {
        this.secrets = secrets;
        this.tokenEndpoint = tokenEndpoint;
    }

    static MsalErrors redacting(List<String> secrets, String tokenEndpoint) {
        return new MsalErrors(secrets.stream().filter(s -> s != null && s.length() >= 4).toList(), tokenEndpoint);
    }

    TokenUnavailableException map(Throwable error) {
        Throwable e = unwrap(error);
        String message = describe(e); // redacted
        // If something had to be cut out, the cause's own message still has it: leave the cause off,
        // so a logged stack trace cannot repeat it.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !redact(t.getMessage()).equals(t.getMessage())) {
                return new TokenUnavailableException(message);
            }
        }
        return new TokenUnavailableException(message, e);
    }

    private String describe(Throwable e) {
        if (e instanceof MsalServiceException service) {
            // MSAL leaves the status empty for bodies it cannot read as an Entra error (e.g. a bare 503).
            Integer status = service.statusCode();
            boolean known = status != null && status != 0;
            StringBuilder sb = new StringBuilder(known && status < 500
                    ? "Entra ID refused the token request" : "the token request failed at the identity provider");
            if (known) {
                sb.append(" (HTTP ").append(status).append(')');
            }
            sb.append(": ").append(service.errorCode()).append(": ").append(oneLine(service.getMessage()));
            return sb.toString();
        }
        Throwable network = networkCause(e);
        if (network != null) {
            String what = network instanceof SSLException
                    ? "TLS with the token endpoint failed (is its certificate trusted? see trusted certificates)"
                    : "cannot reach the token endpoint";
            return what + " " + tokenEndpoint + ": " + network.getClass().getSimpleName() + ": " + oneLine(network.getMessage());
        }
        String code = e instanceof MsalException msal && msal.errorCode() != null ? msal.errorCode() + ": " : "";
        return "token request failed: " + code + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
    }

    /** The first I/O cause in the chain (connection refused, DNS, timeout, TLS): MSAL wraps them in MsalClientException. */
    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return t;
            }
        }
        return null;
    }

    private String redact(String message) {
        // MSAL quotes unparsable response bodies, which could hold a token.
        String result = JWT.matcher(message).replaceAll("[token redacted]");
        result = ACCESS_TOKEN_FIELD.matcher(result).replaceAll("$1[redacted]\"");
        for (String secret : secrets) {
            result = result.replace(secret, "[redacted]");
        }
        return result;
    }

    /**
     * Entra's descriptions carry Trace ID, Correlation ID and Timestamp on further lines; keep them, on
     * one line. Redacts before shortening, so a secret cannot be cut in half and half shown.
     */
    private String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String flat = redact(s).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
        return flat.length() > 600 ? flat.substring(0, 600) + "..." : flat;
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

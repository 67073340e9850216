package dev.oauthrelay.credentials;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises Entra ID's token errors that mean "this credential has expired", in the text of a
 * failed token request:
 * <ul>
 *   <li>{@code AADSTS7000222}: "The provided client secret keys for app '...' are expired." (a client secret);
 *   <li>{@code AADSTS700027} with the reason "The key used is expired.": "Client assertion contains an
 *       invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: ...,
 *       Found key 'Start=..., End=...']" (a certificate; Entra has no code of its own for it, and
 *       AADSTS700027 with other reasons, e.g. "The key was not found.", is not about expiry);
 *   <li>{@code AADSTS700082}: the refresh token expired from inactivity (delegated accounts).
 * </ul>
 */
public final class EntraExpiryErrors {

    /** An expired credential named by an Entra error. */
    public record Expired(CredentialKind kind, String code) {

        /** "Entra ID answered AADSTS7000222": the {@code learntFrom} of a {@link CredentialExpiry}. */
        public String learntFrom() {
            return "Entra ID answered " + code;
        }
    }

    private static final Pattern SECRET = Pattern.compile("\\bAADSTS7000222\\b");
    private static final Pattern ASSERTION = Pattern.compile("\\bAADSTS700027\\b");
    private static final Pattern REFRESH = Pattern.compile("\\bAADSTS700082\\b");

    private EntraExpiryErrors() {
    }

    /** The expired credential {@code error} names, if it names one. */
    public static Optional<Expired> recognise(String error) {
        if (error == null) {
            return Optional.empty();
        }
        if (SECRET.matcher(error).find()) {
            return Optional.of(new Expired(CredentialKind.CLIENT_SECRET, "AADSTS7000222"));
        }
        if (ASSERTION.matcher(error).find() && error.toLowerCase(Locale.ROOT).contains("key used is expired")) {
            return Optional.of(new Expired(CredentialKind.CERTIFICATE, "AADSTS700027"));
        }
        if (REFRESH.matcher(error).find()) {
            return Optional.of(new Expired(CredentialKind.REFRESH_TOKEN, "AADSTS700082"));
        }
        return Optional.empty();
    }
}

package dev.oauthrelay.smtp;

import java.util.Locale;

/**
 * One parsed command line.
 *
 * @param verb     the verb, {@link Verb#UNKNOWN} if not recognised
 * @param argument everything after the verb and the separating white space, trailing white space
 *                 removed; empty if none
 */
public record Command(Verb verb, String argument) {
    public boolean hasArgument() {
        return !argument.isEmpty();
    }

    /**
     * Whether the client must wait for this command's reply before sending anything else
     * (RFC 2920 section 3.1). RFC 4954 section 4 makes one exception for AUTH: with an initial
     * response for a mechanism that completes in one round trip without a security layer, such as
     * PLAIN, the client may pipeline further commands. LOGIN always needs a second round trip.
     */
    public boolean endsGroup() {
        if (verb == Verb.AUTH) {
            String[] parts = argument.split("[ \t]+");
            return !(parts.length == 2 && parts[0].toUpperCase(Locale.ROOT).equals("PLAIN"));
        }
        return verb.endsGroup();
    }
}

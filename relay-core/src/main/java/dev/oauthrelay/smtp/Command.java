package dev.oauthrelay.smtp;

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
}

package dev.oauthrelay.credentials;

/**
 * The kinds of credential an upstream account signs in with. {@link #label()} is the value of the
 * {@code credential} metric label; the texts say how to replace one and how to make its expiry known.
 */
public enum CredentialKind {

    CLIENT_SECRET("client-secret", "client secret") {
        @Override
        String fix(String configKey) {
            String prefix = prefix(configKey);
            return "create a new client secret in Entra ID > App registrations > (the app) > Certificates & secrets,"
                    + " put its value into " + prefix + ".client-secret (or the file " + prefix
                    + ".client-secret-file names) and its expiry date into " + prefix
                    + ".client-secret-expires, and restart the relay";
        }

        @Override
        String howToKnow(String configKey) {
            return "set " + prefix(configKey) + ".client-secret-expires to the expiry Entra ID shows for the secret"
                    + " (App registrations > Certificates & secrets), so the relay can warn before it runs out";
        }
    },

    CERTIFICATE("certificate", "certificate") {
        @Override
        String fix(String configKey) {
            String files = configKey.endsWith(".pkcs12") ? configKey + " (and its password)"
                    : configKey + " and " + prefix(configKey) + ".private-key";
            return "create a new certificate, upload its public part in Entra ID > App registrations > (the app)"
                    + " > Certificates & secrets, point " + files + " at the new files, and restart the relay";
        }

        @Override
        String howToKnow(String configKey) {
            return "the relay could not read the certificate's expiry (notAfter) from " + configKey;
        }
    },

    /** A signed-in user's; its "config key" is the command that signs in again ({@code ./relay login --account x}). */
    REFRESH_TOKEN("refresh-token", "refresh token") {
        @Override
        String fix(String configKey) {
            return "sign in again: " + configKey + " (Entra ID expires a refresh token after 90 days without use;"
                    + " the relay uses it about once an hour while it runs, so this means it has not run, or could"
                    + " not reach Entra ID, for a long time)";
        }

        @Override
        String howToKnow(String configKey) {
            return "nobody has signed in yet: run " + configKey;
        }
    };

    private final String label;
    private final String words;

    CredentialKind(String label, String words) {
        this.label = label;
        this.words = words;
    }

    /** {@code client-secret}, {@code certificate} or {@code refresh-token}: metric label and config wording. */
    public String label() {
        return label;
    }

    /** {@code client secret}, for sentences. */
    public String words() {
        return words;
    }

    /** What the admin does to replace it; {@code configKey} is where it is configured, e.g. relay.oauth.client-secret. */
    abstract String fix(String configKey);

    /** Why its expiry is unknown, and how to make it known. */
    abstract String howToKnow(String configKey);

    /** {@code relay.upstream-accounts[0]} of {@code relay.upstream-accounts[0].client-secret}. */
    static String prefix(String configKey) {
        int dot = configKey.lastIndexOf('.');
        return dot < 0 ? configKey : configKey.substring(0, dot);
    }
}

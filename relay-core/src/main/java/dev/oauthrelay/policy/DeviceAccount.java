package dev.oauthrelay.policy;

/**
 * A local device account: a username and a bcrypt password hash, mapped to an identity.
 * The hash is never logged; {@link #toString()} leaves it out.
 */
public record DeviceAccount(String username, String passwordHash, Identity identity) {
    @Override
    public String toString() {
        return "DeviceAccount[" + username + " -> " + identity.mailbox() + "]";
    }
}

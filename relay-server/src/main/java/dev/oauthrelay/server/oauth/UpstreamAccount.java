package dev.oauthrelay.server.oauth;

/**
 * A tenant and app registration the relay gets tokens from. One relay may hold several (an MSP
 * serving several customers, or a second app registration for some mailboxes); each device
 * account and trusted network names the one its mail is sent with. {@code relay.oauth} is the
 * account named {@value dev.oauthrelay.policy.Identity#DEFAULT_ACCOUNT}.
 */
public sealed interface UpstreamAccount permits AppAccount, UserAccount {

    /** The account's name in the configuration, used in logs, metrics and {@code relay check}. */
    String name();

    /** The directory (tenant) id. */
    String tenantId();

    /** The application (client) id. */
    String clientId();

    /** One line for logs: tenant, app and credential kind, never a secret. */
    String describe();
}

package dev.oauthrelay.token;

/**
 * The token provider for a mailbox. A relay may serve several tenants or app registrations
 * ("upstream accounts"); each mailbox is sent as with the tokens of the account its identity
 * names, and a token of one tenant is worthless for another tenant's mailbox.
 */
@FunctionalInterface
public interface MailboxTokens {

    /** The provider whose tokens authenticate as {@code mailbox}; never null. */
    TokenProvider forMailbox(String mailbox);

    /** One provider for every mailbox: a relay with a single upstream account. */
    static MailboxTokens of(TokenProvider provider) {
        java.util.Objects.requireNonNull(provider, "provider");
        return mailbox -> provider;
    }
}

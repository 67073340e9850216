package dev.oauthrelay.server.oauth;

import dev.oauthrelay.token.TokenSource;

/** Where an upstream account's tokens come from, per scope. */
public final class TokenSources {

    private TokenSources() {
    }

    /** For the account's SMTP scope. */
    public static TokenSource smtp(UpstreamAccount account) {
        return forScope(account, null);
    }

    /** For another resource, such as Microsoft Graph ({@code scope} null: the account's SMTP scope). */
    public static TokenSource forScope(UpstreamAccount account, String scope) {
        if (account instanceof AppAccount app) {
            return new MsalTokenSource(scope == null ? app.settings() : app.settings().withScope(scope));
        }
        throw new IllegalArgumentException("unknown kind of upstream account: " + account);
    }
}

package dev.oauthrelay.server.oauth;

import dev.oauthrelay.token.TokenSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one upstream account's tokens come from, per scope: an MSAL4J confidential client per
 * scope for an app account; for a user account, one {@link UserSession} shared by all scopes (its
 * refresh token rotates on each use, so two sessions would spend each other's).
 */
public final class TokenSources implements AutoCloseable {

    private final UpstreamAccount account;
    private final UserSession session;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private TokenSources(UpstreamAccount account, UserSession session) {
        this.account = account;
        this.session = session;
        if (session != null) {
            opened.add(session);
        }
    }

    /**
     * @throws IllegalArgumentException if a credential, trust bundle or the sign-in key cannot be used
     */
    public static TokenSources of(UpstreamAccount account, Clock clock) {
        return new TokenSources(account, account instanceof UserAccount user ? new UserSession(user, clock) : null);
    }

    /** For the account's SMTP scope. */
    public TokenSource smtp() {
        if (account instanceof UserAccount user) {
            return session.source(user.smtpScope());
        }
        return open(new MsalTokenSource(((AppAccount) account).settings()));
    }

    /**
     * For Microsoft Graph, given the app-only Graph scope ({@code relay.graph.scope}); a user
     * account asks for the delegated {@code Mail.Send} of the same resource.
     */
    public TokenSource graph(String appGraphScope) {
        if (account instanceof UserAccount) {
            return session.source(UserAccount.delegatedGraphScope(appGraphScope));
        }
        return open(new MsalTokenSource(((AppAccount) account).settings().withScope(appGraphScope)));
    }

    /** The signed-in user's session, for a user account. */
    public java.util.Optional<UserSession> session() {
        return java.util.Optional.ofNullable(session);
    }

    private TokenSource open(MsalTokenSource source) {
        opened.add(source);
        return source;
    }

    @Override
    public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a token source only stops its threads
            }
        }
    }
}

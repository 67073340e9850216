package dev.oauthrelay.server.credentials;

import dev.oauthrelay.credentials.CredentialExpiry;
import dev.oauthrelay.credentials.CredentialKind;
import dev.oauthrelay.credentials.CredentialSource;
import dev.oauthrelay.server.oauth.UpstreamTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * The refresh tokens of accounts with {@code sign-in = user}: Entra ID expires one 90 days after
 * its last use, which the stored session records; unknown until somebody has signed in. Read
 * afresh each time (every redemption moves the date on).
 */
public final class SignInExpiries implements CredentialSource {

    private final UpstreamTokens tokens;

    public SignInExpiries(UpstreamTokens tokens) {
        this.tokens = tokens;
    }

    /** What the operator runs to sign in (again), also the "config key" of a refresh token. */
    public static String loginCommand(String account) {
        return "./relay login --account " + account;
    }

    @Override
    public List<CredentialExpiry> expiries() {
        List<CredentialExpiry> out = new ArrayList<>();
        for (UpstreamTokens.Account a : tokens.accounts()) {
            a.session().ifPresent(session -> {
                String name = a.account().name();
                out.add(session.refreshTokenExpiry()
                        .map(t -> CredentialExpiry.at(name, CredentialKind.REFRESH_TOKEN, loginCommand(name), t,
                                "its last use + 90 days"))
                        .orElseGet(() -> CredentialExpiry.unknown(name, CredentialKind.REFRESH_TOKEN, loginCommand(name))));
            });
        }
        return out;
    }
}

package dev.oauthrelay.server.credentials;

import dev.oauthrelay.credentials.CredentialExpiry;
import dev.oauthrelay.credentials.CredentialSource;
import dev.oauthrelay.credentials.EntraExpiryErrors;
import dev.oauthrelay.server.oauth.AppAccount;
import dev.oauthrelay.server.oauth.UpstreamTokens;
import dev.oauthrelay.token.CachingTokenProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A credential Entra ID refused as expired: the last failed token request of an account's SMTP or
 * Graph cache says so (AADSTS7000222 for a secret, AADSTS700027 "The key used is expired" for a
 * certificate). Expired from then on, whatever date was configured, until a token request
 * succeeds again (which clears the cache's error).
 */
public final class EntraErrorExpiries implements CredentialSource {

    private final UpstreamTokens tokens;

    public EntraErrorExpiries(UpstreamTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public List<CredentialExpiry> expiries() {
        List<CredentialExpiry> out = new ArrayList<>();
        for (UpstreamTokens.Account a : tokens.accounts()) {
            String configKey = a.account() instanceof AppAccount app ? ConfiguredExpiries.configKey(app)
                    : SignInExpiries.loginCommand(a.account().name());
            add(out, a.account().name(), configKey, a.smtp());
            a.graph().ifPresent(g -> add(out, a.account().name(), configKey, g));
        }
        return out;
    }

    private static void add(List<CredentialExpiry> out, String account, String configKey, CachingTokenProvider cache) {
        Optional<EntraExpiryErrors.Expired> expired = cache.lastError().flatMap(EntraExpiryErrors::recognise);
        expired.ifPresent(e -> out.add(CredentialExpiry.reportedExpired(account, e.kind(), configKey, e.learntFrom())));
    }
}

package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult;
import java.util.Optional;

/**
 * The result of {@link SmtpUpstream#verifyLogin}: either the TLS in use after a successful
 * AUTH, or the failure.
 */
public record LoginCheck(Optional<String> tls, Optional<AttemptResult.Failed> failure) {

    static LoginCheck ok(String tls) {
        return new LoginCheck(Optional.of(tls), Optional.empty());
    }

    static LoginCheck failed(AttemptResult.Failed failure) {
        return new LoginCheck(Optional.empty(), Optional.of(failure));
    }

    public boolean passed() {
        return failure.isEmpty();
    }
}

package dev.oauthrelay.server.health;

import dev.oauthrelay.credentials.CredentialStatus;
import dev.oauthrelay.credentials.Credentials;
import java.util.List;
import java.util.function.Supplier;

/**
 * The upstream accounts' client secrets and certificates: DOWN while one expires within
 * {@code relay.credentials.warn-before} or has expired, with what to do as the reason; UP with
 * when each expires otherwise. Never a required check: an expiring secret still works, and an
 * expired one already shows in the token check; it must not take nodes out of rotation.
 */
public final class CredentialsCheck implements Supplier<CheckResult> {

    private final Credentials credentials;

    public CredentialsCheck(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public CheckResult get() {
        List<CredentialStatus> statuses = credentials.statuses();
        if (statuses.isEmpty()) {
            return CheckResult.up("no upstream account, no credential to watch");
        }
        List<String> urgent = statuses.stream().filter(s -> s.state().needsAction()).map(CredentialStatus::sentence).toList();
        if (!urgent.isEmpty()) {
            return CheckResult.down(String.join("; ", urgent));
        }
        return CheckResult.up(String.join("; ", statuses.stream().map(CredentialStatus::summary).toList()));
    }
}

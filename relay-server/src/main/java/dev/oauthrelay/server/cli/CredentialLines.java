package dev.oauthrelay.server.cli;

import dev.oauthrelay.credentials.CredentialState;
import dev.oauthrelay.credentials.CredentialStatus;
import dev.oauthrelay.credentials.Credentials;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.credentials.ConfiguredExpiries;
import java.time.Clock;
import java.util.List;

/**
 * The credential lines of {@code relay check}: when each upstream account's client secret or
 * certificate expires, as the configuration and the certificates say. An expiring, expired or
 * unknown one is a warning with the fix, not a failure: whether Entra ID still takes it, the token
 * step tells.
 */
final class CredentialLines {

    private CredentialLines() {
    }

    static void report(CheckReport report, RelayConfig relay, Clock clock) {
        List<CredentialStatus> statuses = new Credentials(
                List.of(new ConfiguredExpiries(relay.upstreamAccounts().values())),
                relay.credentials().warnBefore(), clock).statuses();
        for (CredentialStatus s : statuses) {
            String step = "credential " + s.account();
            if (s.state() == CredentialState.OK) {
                report.ok(step, s.statement());
            } else {
                report.warn(step, s.statement(), s.advice());
            }
        }
    }
}

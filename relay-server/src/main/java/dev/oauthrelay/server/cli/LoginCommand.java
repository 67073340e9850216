package dev.oauthrelay.server.cli;

import dev.oauthrelay.diagnosis.Diagnosis;
import dev.oauthrelay.diagnosis.ErrorExplainer;
import dev.oauthrelay.server.config.ConfigLoader;
import dev.oauthrelay.server.config.InvalidConfigException;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.oauth.SignInKey;
import dev.oauthrelay.server.oauth.UpstreamAccount;
import dev.oauthrelay.server.oauth.UserAccount;
import dev.oauthrelay.server.oauth.UserSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay login --account NAME}: signs a user in for an upstream account with
 * {@code sign-in = user}, by the device code flow (RFC 8628): it prints a code and a page; the
 * admin (or the mailbox's user) opens the page on any device, enters the code and signs in; the
 * relay then stores the session encrypted. Run it once per account, and again only if Entra ID
 * asks for a new sign-in (password change, revocation, 90 days without the relay running).
 */
@Command(name = "login", description = "Sign a user in for an upstream account with sign-in = user (device code flow).")
final class LoginCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "Configuration file.")
    Path config;

    @Option(names = "--account", paramLabel = "NAME", defaultValue = "default",
            description = "The upstream account (\"default\" is relay.oauth). Default: ${DEFAULT-VALUE}.")
    String accountName;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        RelayConfig relay;
        try {
            relay = ConfigLoader.load(Optional.of(config));
        } catch (InvalidConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        UpstreamAccount account = relay.upstreamAccounts().get(accountName);
        if (!(account instanceof UserAccount user)) {
            err.println(account == null
                    ? "relay login: no upstream account \"" + accountName + "\"; configured: " + relay.upstreamAccounts().keySet()
                    : "relay login: the upstream account \"" + accountName + "\" signs in as the app (sign-in = app);"
                            + " set sign-in = user to sign a user in");
            return 1;
        }
        SignInKey key;
        try {
            key = user.key().loadOrCreate(file -> out.println("Created the sign-in key " + file
                    + " (mode 0600). Keep it, and back it up apart from the data directory."));
        } catch (IllegalArgumentException e) {
            err.println("relay login: " + e.getMessage());
            return 1;
        }
        Set<String> mailboxes = mailboxesOf(relay, accountName);
        try (UserSession session = new UserSession(user, key, Clock.systemUTC())) {
            out.println("Signing in for upstream account " + accountName + " (tenant " + user.tenantId() + ", app "
                    + user.clientId() + ")" + (mailboxes.isEmpty() ? "" : " to send as " + String.join(", ", mailboxes))
                    + ".");
            String username;
            try {
                username = session.login(user.smtpScope(), code -> {
                    out.println(code.message());
                    out.flush();
                }).get();
            } catch (ExecutionException e) {
                String message = e.getCause() == null ? String.valueOf(e) : e.getCause().getMessage();
                err.println("relay login: the sign-in did not complete: " + message);
                ErrorExplainer.explain(message).map(Diagnosis::fix).ifPresent(fix -> err.println("Fix: " + fix));
                return 1;
            }
            out.println("Signed in as " + username + ". The session is stored, encrypted, in " + user.tokenFile()
                    + "; the relay picks it up at its next token refresh, no restart needed.");
            if (!mailboxes.isEmpty() && mailboxes.stream().noneMatch(username::equalsIgnoreCase)) {
                err.println("Warning: the account's identities send as " + String.join(", ", mailboxes) + ", but "
                        + username + " signed in: Exchange accepts a delegated token only for the user's own mailbox."
                        + " Sign in as that user, or change the identities' mailbox.");
                return 2;
            }
            return 0;
        }
    }

    private static Set<String> mailboxesOf(RelayConfig relay, String account) {
        Set<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        relay.identities().stream()
                .filter(i -> i.upstreamAccount().equals(account))
                .forEach(i -> out.add(i.mailbox()));
        return out;
    }
}

package dev.oauthrelay.server.credentials;

import dev.oauthrelay.credentials.CredentialSource;
import dev.oauthrelay.credentials.CredentialState;
import dev.oauthrelay.credentials.CredentialStatus;
import dev.oauthrelay.credentials.Credentials;
import dev.oauthrelay.credentials.ExpiryWarnings;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.oauth.UpstreamTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's credentials (configuration, certificates and Entra ID's errors), and the warnings in
 * the log: one WARN line per expiring or expired credential at start, at once when Entra ID
 * refuses one as expired or a date passes, and once a day while it stays so
 * ({@link ExpiryWarnings}). Looking at them every {@link #LOOK_EVERY} costs nothing: no request
 * leaves the relay.
 */
public final class CredentialWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CredentialWatch.class);

    static final Duration LOOK_EVERY = Duration.ofMinutes(5);

    private final Credentials credentials;
    private final ExpiryWarnings warnings = new ExpiryWarnings();
    private ScheduledFuture<?> task;

    CredentialWatch(Credentials credentials) {
        this.credentials = credentials;
    }

    /** The credentials of {@code config}'s accounts, with {@code tokens}' errors. */
    public static Credentials credentials(RelayConfig config, UpstreamTokens tokens, Clock clock) {
        List<CredentialSource> sources = List.of(new ConfiguredExpiries(config.upstreamAccounts().values()),
                new EntraErrorExpiries(tokens), new SignInExpiries(tokens));
        return new Credentials(sources, config.credentials().warnBefore(), clock);
    }

    /** Watches {@code credentials}, warning at once and then on {@code timer}. */
    public static CredentialWatch start(Credentials credentials, ScheduledExecutorService timer) {
        CredentialWatch watch = new CredentialWatch(credentials);
        watch.task = timer.scheduleWithFixedDelay(watch::look, 0, LOOK_EVERY.toSeconds(), TimeUnit.SECONDS);
        return watch;
    }

    public Credentials credentials() {
        return credentials;
    }

    /** Logs the warnings that are due; on the timer's thread only. */
    void look() {
        try {
            for (CredentialStatus s : warnings.due(credentials.statuses())) {
                log.warn("{} {}: {}", s.kind().words(), s.state() == CredentialState.EXPIRED ? "expired" : "expiring",
                        s.sentence());
            }
        } catch (RuntimeException e) {
            log.warn("checking credential expiry failed", e);
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}

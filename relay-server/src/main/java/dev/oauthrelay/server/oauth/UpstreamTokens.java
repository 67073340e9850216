package dev.oauthrelay.server.oauth;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.token.CachingTokenProvider;
import dev.oauthrelay.token.MailboxTokens;
import dev.oauthrelay.token.TokenProvider;
import dev.oauthrelay.token.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The token caches of every upstream account, and which one each mailbox uses: the SMTP scope
 * for every account, the Graph scope for the accounts whose identities send through Graph. A
 * mailbox no identity names (failure notices, an identity removed while its mail waited) uses the
 * fallback account.
 */
public final class UpstreamTokens implements AutoCloseable {

    /**
     * One account's caches; {@code graph} is empty when none of its identities uses Graph;
     * {@code session} is the signed-in user's, for an account with sign-in = user.
     */
    public record Account(UpstreamAccount account, CachingTokenProvider smtp, Optional<CachingTokenProvider> graph,
                          Optional<UserSession> session) {}

    private final Map<String, Account> accounts;
    private final Map<String, String> mailboxAccounts;
    private final String fallback;
    private final List<AutoCloseable> sources;

    private UpstreamTokens(Map<String, Account> accounts, Map<String, String> mailboxAccounts, String fallback,
                           List<AutoCloseable> sources) {
        this.accounts = accounts;
        this.mailboxAccounts = mailboxAccounts;
        this.fallback = fallback;
        this.sources = sources;
    }

    /**
     * Creates and starts the caches (each fetches its first token in the background).
     *
     * @param accounts        by name, in configuration order; not empty
     * @param fallback        the account of mailboxes no identity names ({@code RelayConfig.fallbackAccount()})
     * @param mailboxAccounts mailbox -> account name, from the identities
     * @param graphAccounts   the accounts that need Graph tokens
     * @param graphScope      the Graph scope ({@code relay.graph.scope})
     */
    public static UpstreamTokens start(Map<String, UpstreamAccount> accounts, String fallback,
                                       Map<String, String> mailboxAccounts,
                                       Set<String> graphAccounts, String graphScope, Clock clock,
                                       ScheduledExecutorService timer, Duration retryDelay, RelayEvents events) {
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("no upstream account");
        }
        Map<String, Account> out = new LinkedHashMap<>();
        List<AutoCloseable> sources = new ArrayList<>();
        UpstreamTokens tokens = new UpstreamTokens(Collections.unmodifiableMap(out), lowerCaseKeys(mailboxAccounts),
                fallback, sources);
        try {
            for (UpstreamAccount account : accounts.values()) {
                TokenSources of = TokenSources.of(account, clock);
                sources.add(of);
                CachingTokenProvider smtp = cache(of.smtp(), clock, timer, retryDelay, events);
                Optional<CachingTokenProvider> graph = graphAccounts.contains(account.name())
                        ? Optional.of(cache(of.graph(graphScope), clock, timer, retryDelay, events))
                        : Optional.empty();
                out.put(account.name(), new Account(account, smtp, graph, of.session()));
            }
        } catch (RuntimeException e) {
            tokens.close();
            throw e;
        }
        return tokens;
    }

    /** The account whose tokens {@code mailbox} is sent with. */
    public Account accountFor(String mailbox) {
        String name = mailboxAccounts.getOrDefault(mailbox.toLowerCase(Locale.ROOT), fallback);
        Account a = accounts.get(name);
        return a != null ? a : accounts.get(fallback);
    }

    /** SMTP-scope tokens per mailbox. */
    public MailboxTokens smtp() {
        return mailbox -> accountFor(mailbox).smtp();
    }

    /** Graph-scope tokens per mailbox; a mailbox whose account has none gets a provider that says so. */
    public MailboxTokens graph() {
        return mailbox -> {
            Account a = accountFor(mailbox);
            return a.graph().<TokenProvider>map(p -> p)
                    .orElseGet(() -> new NoTokens("upstream account " + a.account().name()
                            + " has no identity that sends through Graph"));
        };
    }

    /** Every account, in configuration order. */
    public List<Account> accounts() {
        return List.copyOf(accounts.values());
    }


    @Override
    public void close() {
        for (Account a : accounts.values()) {
            a.smtp().close();
            a.graph().ifPresent(CachingTokenProvider::close);
        }
        for (AutoCloseable source : sources) {
            try {
                source.close();
            } catch (Exception e) {
                // closing a token source only stops its threads
            }
        }
    }

    private static CachingTokenProvider cache(TokenSource source, Clock clock,
                                              ScheduledExecutorService timer, Duration retryDelay, RelayEvents events) {
        CachingTokenProvider p = new CachingTokenProvider(source, clock, timer,
                CachingTokenProvider.DEFAULT_REFRESH_MARGIN, retryDelay, events);
        p.start();
        return p;
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    /** For a mailbox whose account cannot give this kind of token: every request fails, saying why. */
    private record NoTokens(String why) implements TokenProvider {
        @Override
        public java.util.concurrent.CompletableFuture<dev.oauthrelay.token.AccessToken> currentToken() {
            return java.util.concurrent.CompletableFuture.failedFuture(
                    new dev.oauthrelay.token.TokenUnavailableException(why));
        }

        @Override
        public void invalidate(dev.oauthrelay.token.AccessToken rejected) {
        }
    }
}

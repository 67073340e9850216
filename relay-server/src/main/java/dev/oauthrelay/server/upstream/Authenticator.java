package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult.Stage;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.MailboxTokens;
import dev.oauthrelay.token.Xoauth2;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens authenticated connections: token first, then {@link Connector}, then
 * {@code AUTH XOAUTH2} with the initial response (RFC 4954 section 4). On {@code 535} the token is
 * invalidated and AUTH is tried once more with a fresh one, on a new connection if the server
 * closed the old one. The AUTH line is never logged.
 */
final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    private final UpstreamSettings settings;
    private final MailboxTokens tokens;
    private final Connector connector;

    Authenticator(UpstreamSettings settings, MailboxTokens tokens, Connector connector) {
        this.settings = settings;
        this.tokens = tokens;
        this.connector = connector;
    }

    /**
     * A new connection authenticated as {@code mailbox} (with {@link TlsMode#NONE}: not
     * authenticated at all). The token comes first, so a token outage
     * costs no connection. Fails with an {@link UpstreamFailure} (or a connection error).
     */
    CompletableFuture<UpstreamConnection> open(String mailbox) {
        if (settings.tls() == TlsMode.NONE) {
            // Plaintext to a loopback sink: no token is fetched and no AUTH is sent (never a token in clear).
            return connector.open(mailbox);
        }
        return token(mailbox).thenCompose(token -> connector.open(mailbox).thenCompose(conn -> login(conn, token, true)));
    }

    private CompletableFuture<UpstreamConnection> login(UpstreamConnection conn, AccessToken token, boolean firstTry) {
        return exchange(conn, token).thenCompose(reply -> {
            if (reply.code() == 235) {
                log.debug("{} authenticated upstream", conn.mailbox());
                return CompletableFuture.completedFuture(conn);
            }
            if (reply.code() != 535 || !firstTry) {
                conn.quit(settings.commandTimeout());
                throw UpstreamFailure.of(Stage.AUTH, reply.toRemote(), firstTry
                        ? "upstream refused AUTH XOAUTH2"
                        : "upstream refused AUTH XOAUTH2 again with a fresh token");
            }
            // 535: probably a token the server no longer accepts (revoked, expired early).
            log.info("{} upstream answered {}; retrying once with a fresh token", conn.mailbox(), reply);
            tokens.forMailbox(conn.mailbox()).invalidate(token);
            return token(conn.mailbox())
                    .whenComplete((t, e) -> {
                        if (e != null) {
                            conn.quit(settings.commandTimeout());
                        }
                    })
                    .thenCompose(fresh -> conn.isUsable()
                            ? login(conn, fresh, false).exceptionallyCompose(e -> connectionLost(e)
                                    ? reconnect(conn, fresh)
                                    : CompletableFuture.failedFuture(e))
                            : reconnect(conn, fresh));
        });
    }

    /** The server closed the connection after 535 (Exchange may): try the fresh token on a new one. */
    private CompletableFuture<UpstreamConnection> reconnect(UpstreamConnection old, AccessToken fresh) {
        old.close();
        return connector.open(old.mailbox()).thenCompose(conn -> login(conn, fresh, false));
    }

    /** One AUTH exchange; the final reply (235, 535, ...). */
    private CompletableFuture<Reply> exchange(UpstreamConnection conn, AccessToken token) {
        if (!conn.tlsActive()) { // the Connector guarantees this; checked again because it matters so much
            conn.close();
            return CompletableFuture.failedFuture(UpstreamFailure.of(Stage.TLS, null, "refusing to send a token without TLS"));
        }
        if (!conn.extensions().authMechanisms().contains("XOAUTH2")) {
            conn.quit(settings.commandTimeout());
            return CompletableFuture.failedFuture(UpstreamFailure.of(Stage.AUTH, null,
                    "upstream does not offer AUTH XOAUTH2 (offers " + conn.extensions().authMechanisms() + ")"));
        }
        String initialResponse;
        try {
            initialResponse = Xoauth2.initialResponse(conn.mailbox(), token);
        } catch (IllegalArgumentException e) {
            conn.quit(settings.commandTimeout());
            return CompletableFuture.failedFuture(UpstreamFailure.of(Stage.AUTH, null, e.getMessage()));
        }
        return conn.sensitiveCommand("AUTH XOAUTH2 " + initialResponse, "AUTH XOAUTH2 <not logged>", settings.commandTimeout())
                .thenCompose(reply -> reply.code() == 334
                        // An error challenge (base64 JSON, RFC 7628 section 3.2.2 style): the client
                        // answers with an empty line and the server then sends its final 535.
                        ? conn.command("", settings.commandTimeout())
                        : CompletableFuture.completedFuture(reply));
    }

    /** The current token; any failure becomes Failed(TOKEN) with the provider's safe message. */
    private CompletableFuture<AccessToken> token(String mailbox) {
        return UpstreamFailure.token(tokens.forMailbox(mailbox), "no access token: ");
    }

    private static boolean connectionLost(Throwable t) {
        return UpstreamFailure.unwrap(t) instanceof ConnectionLostException;
    }
}

package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult.Stage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Opens a connection and secures it: TCP connect, then either TLS at once (implicit) or greeting,
 * EHLO, STARTTLS (RFC 3207) and EHLO again (or, with {@link TlsMode#NONE} to a loopback sink,
 * greeting and EHLO only). The result is a connection with verified TLS and the
 * post-TLS extensions, ready for AUTH. Nothing here ever sends a credential.
 */
final class Connector {

    private final UpstreamSettings settings;
    private final Bootstrap bootstrap;
    private final SslContext tls;
    private final Executor blocking;

    Connector(UpstreamSettings settings, EventLoopGroup group, Class<? extends Channel> channelType,
              SslContext tls, Executor blocking) {
        this.settings = settings;
        this.tls = tls;
        this.blocking = blocking;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                // Bounds what one connection buffers while streaming a body (see BodyWriter).
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 * 1024, 512 * 1024));
    }

    /** A secured connection for {@code mailbox}; fails with an {@link UpstreamFailure}. */
    CompletableFuture<UpstreamConnection> open(String mailbox) {
        return resolve()
                .thenCompose(addresses -> connect(addresses, 0, mailbox))
                .thenCompose(conn -> secure(conn).whenComplete((c, t) -> {
                    if (t != null) {
                        conn.quit(settings.commandTimeout()); // polite if still possible; not awaited
                    }
                }));
    }

    /** DNS lookups block, so they run on the blocking executor, never on an event loop. */
    private CompletableFuture<InetAddress[]> resolve() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getAllByName(settings.host());
            } catch (UnknownHostException e) {
                throw UpstreamFailure.of(Stage.CONNECT, null, "cannot resolve " + settings.host());
            }
        }, blocking);
    }

    /** Tries the addresses in order (RFC 5321 section 5.1: try the next address on failure). */
    private CompletableFuture<UpstreamConnection> connect(InetAddress[] addresses, int index, String mailbox) {
        CompletableFuture<UpstreamConnection> result = new CompletableFuture<>();
        InetSocketAddress target = new InetSocketAddress(addresses[index], settings.port());
        bootstrap.clone()
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new UpstreamConnection(ch, mailbox);
                    }
                })
                .connect(target)
                .addListener(f -> {
                    Channel ch = ((ChannelFuture) f).channel();
                    if (f.isSuccess()) {
                        result.complete(ch.attr(UpstreamConnection.KEY).get());
                    } else if (index + 1 < addresses.length) {
                        connect(addresses, index + 1, mailbox).whenComplete((c, t) -> complete(result, c, t));
                    } else {
                        result.completeExceptionally(UpstreamFailure.of(Stage.CONNECT, null, "cannot connect to "
                                + settings.host() + ":" + settings.port() + ": " + UpstreamFailure.describe(f.cause())));
                    }
                });
        return result;
    }

    private CompletableFuture<UpstreamConnection> secure(UpstreamConnection conn) {
        CompletableFuture<Void> secured = settings.tls() == TlsMode.NONE
                // Loopback benchmark sink only (UpstreamSettings enforces it); the Authenticator sends no AUTH.
                ? greeting(conn).thenCompose(v -> ehlo(conn))
                : settings.tls() == TlsMode.IMPLICIT
                ? handshake(conn).thenCompose(v -> greeting(conn)).thenCompose(v -> ehlo(conn))
                : greeting(conn)
                        .thenCompose(v -> ehlo(conn))
                        .thenCompose(v -> startTls(conn))
                        // RFC 3207 section 4.2: forget what the server said before TLS and ask again.
                        .thenCompose(v -> ehlo(conn));
        return secured.thenApply(v -> conn);
    }

    private CompletableFuture<Void> greeting(UpstreamConnection conn) {
        // RFC 5321 section 4.5.3.2.1: wait up to 5 minutes for the 220 greeting.
        return conn.read(settings.commandTimeout()).handle((reply, t) -> {
            if (t != null) {
                throw lost(Stage.CONNECT, "no greeting from upstream", t);
            }
            if (reply.code() != 220) {
                throw UpstreamFailure.of(Stage.CONNECT, reply.toRemote(), "upstream refused the connection");
            }
            return null;
        });
    }

    private CompletableFuture<Void> ehlo(UpstreamConnection conn) {
        return conn.command("EHLO " + settings.ehloName(), settings.commandTimeout()).handle((reply, t) -> {
            if (t != null) {
                throw lost(Stage.CONNECT, "connection lost at EHLO", t);
            }
            if (reply.code() != 250) {
                // No HELO fallback: without EHLO there is neither STARTTLS nor AUTH.
                throw UpstreamFailure.of(Stage.CONNECT, reply.toRemote(), "upstream refused EHLO");
            }
            conn.extensions(Extensions.parse(reply));
            return null;
        });
    }

    private CompletableFuture<Void> startTls(UpstreamConnection conn) {
        if (!conn.extensions().has("STARTTLS")) {
            return CompletableFuture.failedFuture(UpstreamFailure.of(Stage.TLS, null,
                    "upstream does not offer STARTTLS; a token is never sent without TLS"));
        }
        return conn.command("STARTTLS", settings.commandTimeout()).handle((reply, t) -> {
            if (t != null) {
                throw lost(Stage.TLS, "connection lost at STARTTLS", t);
            }
            if (reply.code() != 220) {
                throw UpstreamFailure.of(Stage.TLS, reply.toRemote(), "upstream refused STARTTLS");
            }
            return null;
        }).thenCompose(v -> handshake(conn));
    }

    private CompletableFuture<Void> handshake(UpstreamConnection conn) {
        return conn.startTls(tls, settings.host(), settings.port(), settings.connectTimeout())
                .exceptionally(t -> {
                    throw lost(Stage.TLS, null, t);
                });
    }

    private static UpstreamFailure lost(Stage stage, String what, Throwable t) {
        Throwable cause = UpstreamFailure.unwrap(t);
        if (cause instanceof UpstreamFailure f) {
            return f;
        }
        return UpstreamFailure.of(stage, null, what == null ? cause.getMessage() : what + ": " + cause.getMessage());
    }

    private static <T> void complete(CompletableFuture<T> target, T value, Throwable t) {
        if (t != null) {
            target.completeExceptionally(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
        } else {
            target.complete(value);
        }
    }
}

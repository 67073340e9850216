package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.tls.PemFiles;
import dev.oauthrelay.server.tls.SelfSignedCertificate;
import dev.oauthrelay.server.tls.TlsMaterialException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * A small fake of Exchange Online's SMTP submission service (smtp.office365.com:587) on loopback,
 * for {@code relay demo} and the tests: STARTTLS with a self-signed certificate, AUTH XOAUTH2
 * checked against the token endpoint stand-in, send-as rules at MAIL FROM, and Exchange's replies
 * (see the guide, "Replies Exchange Online gives on submission"). Received messages are kept in
 * memory and, if a directory is given, written as {@code <n>.eml}.
 *
 * <p>Fault controls let tests make it misbehave: no STARTTLS, refused connections, a given reply
 * at a given stage, a connection dropped after the final dot, a final dot never answered, forced
 * {@code 535}s. It records every command line per connection with whether TLS was on, so tests can
 * assert that no AUTH line ever arrived in plaintext. Not a real SMTP server: no limits, no
 * queue, everything in memory.
 */
public final class StandInExchange implements AutoCloseable {

    /** Where a fault reply replaces the normal one. */
    public enum Stage { CONNECT, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, AFTER_DOT }

    /**
     * A message the stand-in took.
     *
     * @param number     1, 2, ... in order of arrival (also the .eml file name)
     * @param mailbox    the authenticated mailbox (XOAUTH2 {@code user=})
     * @param mailFrom   the MAIL FROM address
     * @param parameters the MAIL FROM parameters as sent ({@code SIZE=123}, {@code BODY=8BITMIME}, ...)
     * @param recipients the accepted RCPT TO addresses
     * @param content    the message bytes with dot-stuffing removed, exactly as received
     * @param wire       the DATA bytes exactly as they came over the connection: dot-stuffed, up to
     *                   and including the final ".\r\n" (the stand-in refuses a bare CR or LF)
     * @param answered   false if the final dot was never answered or the connection was dropped
     *                   right after it (the client cannot know the message arrived)
     */
    public record ReceivedMessage(int number, String mailbox, String mailFrom, List<String> parameters,
                                  List<String> recipients, byte[] content, byte[] wire, boolean answered) {
        public String contentAsString() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /** One command line as received (AUTH credentials redacted), and whether TLS was active. */
    public record TranscriptLine(String line, boolean tls) {}

    /** Everything one connection sent, in order. */
    public record Transcript(int connection, List<TranscriptLine> lines) {
        /** Whether any line starting with {@code prefix} (case-insensitive) arrived without TLS. */
        public boolean anyPlaintext(String prefix) {
            return lines.stream().anyMatch(l -> !l.tls() && l.line().regionMatches(true, 0, prefix, 0, prefix.length()));
        }
    }

    /** Exchange Online's answer to AUTH when SMTP AUTH is disabled for the tenant (see the operator guide). */
    public static final String SMTP_AUTH_DISABLED = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication"
            + " is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.";

    /** What Exchange Online advertises in EHLO. */
    public static final long SIZE_LIMIT = 157_286_400L;
    static final String SERVER_NAME = "STANDIN01.exchange.localhost";

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Path certificateFile;
    private final StandInExchangeFaults faults = new StandInExchangeFaults();
    final Config config;

    private final List<ReceivedMessage> messages = new CopyOnWriteArrayList<>();
    private final AtomicInteger messageNumbers = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger authAttempts = new AtomicInteger();
    private final Map<Integer, List<TranscriptLine>> transcripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxConcurrent = new ConcurrentHashMap<>();

    /** Immutable configuration shared with the sessions. */
    record Config(Map<String, Set<String>> mailboxes, java.util.function.BiPredicate<String, String> tokenValidator, Optional<Path> messageDirectory,
                  SslContext tls, boolean implicitTls) {}

    private StandInExchange(Config config, Path certificateFile) throws InterruptedException {
        this.config = config;
        this.certificateFile = certificateFile;
        this.group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("standin-exchange", true),
                NioIoHandler.newFactory());
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (config.implicitTls()) {
                                ch.pipeline().addLast("tls", config.tls().newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast("session", new StandInExchangeSession(StandInExchange.this,
                                    connections.incrementAndGet()));
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** @param dataDir where the self-signed certificate is kept ({@code <dataDir>/tls/}) */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Configures and starts a stand-in. */
    public static final class Builder {
        private final Path dataDir;
        private String certificateName = "localhost";
        private final Map<String, Set<String>> mailboxes = new LinkedHashMap<>();
        private java.util.function.BiPredicate<String, String> tokenValidator;
        private Path messageDirectory;
        private Path certificate;
        private Path privateKey;
        private boolean implicitTls;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        /** The name in the generated certificate (it also covers localhost, 127.0.0.1 and ::1). */
        public Builder certificateName(String name) {
            this.certificateName = name;
            return this;
        }

        /** A mailbox that may authenticate, and the other addresses it may send as. */
        public Builder mailbox(String mailbox, String... sendAs) {
            Set<String> senders = ConcurrentHashMap.newKeySet();
            senders.add(mailbox.toLowerCase(Locale.ROOT));
            for (String s : sendAs) {
                senders.add(s.toLowerCase(Locale.ROOT));
            }
            mailboxes.put(mailbox.toLowerCase(Locale.ROOT), Set.copyOf(senders));
            return this;
        }

        /** Decides whether a bearer token is valid (the token endpoint stand-in's {@code isValid}). */
        public Builder tokenValidator(Predicate<String> validator) {
            this.tokenValidator = (mailbox, token) -> validator.test(token);
            return this;
        }

        /**
         * Decides whether a bearer token is valid for the mailbox (arguments: mailbox in lower case,
         * token): a tenant's token is worthless for another tenant's mailbox.
         */
        public Builder tokenValidator(java.util.function.BiPredicate<String, String> validator) {
            this.tokenValidator = validator;
            return this;
        }

        /** Also write each received message as {@code <n>.eml} here. */
        public Builder messageDirectory(Path dir) {
            this.messageDirectory = dir;
            return this;
        }

        /** TLS from the first byte (like port 465, RFC 8314) instead of STARTTLS. */
        public Builder implicitTls() {
            this.implicitTls = true;
            return this;
        }

        /** Use this certificate instead of generating one (e.g. one that does not cover 127.0.0.1). */
        public Builder certificate(Path certificateFile, Path privateKeyFile) {
            this.certificate = certificateFile;
            this.privateKey = privateKeyFile;
            return this;
        }

        public StandInExchange start() throws InterruptedException {
            if (tokenValidator == null) {
                throw new IllegalStateException("a token validator is required");
            }
            if (certificate == null) {
                SelfSignedCertificate.CertificatePaths paths = SelfSignedCertificate.ensure(dataDir, certificateName);
                certificate = paths.certificate();
                privateKey = paths.privateKey();
            }
            if (messageDirectory != null) {
                try {
                    Files.createDirectories(messageDirectory);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create " + messageDirectory, e);
                }
            }
            Config config = new Config(Map.copyOf(mailboxes), tokenValidator, Optional.ofNullable(messageDirectory),
                    serverContext(certificate, privateKey), implicitTls);
            return new StandInExchange(config, certificate);
        }

        private static SslContext serverContext(Path certificate, Path privateKey) {
            List<X509Certificate> chain = PemFiles.readCertificateChain(certificate);
            PrivateKey key = PemFiles.readPrivateKey(privateKey);
            try {
                return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                        .sslProvider(SslProvider.JDK)
                        .protocols("TLSv1.3", "TLSv1.2")
                        .build();
            } catch (SSLException e) {
                throw new TlsMaterialException("stand-in TLS context: " + e.getMessage(), e);
            }
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The server certificate (PEM); give it to a client as its trust bundle. */
    public Path certificateFile() {
        return certificateFile;
    }

    // ---- fault controls ----

    /** Whether STARTTLS is advertised and accepted (it is by default). */
    public void advertiseStartTls(boolean advertise) {
        faults.omit("STARTTLS", !advertise);
    }

    /** Leave an EHLO keyword out (SIZE, 8BITMIME, SMTPUTF8, PIPELINING, STARTTLS, AUTH, ...). */
    public void omitExtension(String keyword) {
        faults.omit(keyword, true);
    }

    /** Close every new connection at once, before the greeting. */
    public void refuseConnections(boolean refuse) {
        faults.refuseConnections(refuse);
    }

    /**
     * Answer {@code reply} (a full reply line such as {@code "451 4.7.0 Try again"}) instead of the
     * normal one, the next {@code times} times {@code stage} is reached. At AUTH the forced reply
     * replaces the verdict; at RCPT it applies per recipient; at AFTER_DOT a 4xx or 5xx means the
     * message was not taken.
     */
    public void failNext(Stage stage, int times, String reply) {
        faults.failNext(stage, times, reply);
    }

    /** Take the next {@code times} messages, then close the connection instead of answering the dot. */
    public void dropAfterFinalDot(int times) {
        faults.dropAfterFinalDot(times);
    }

    /** Take messages but never answer the final dot (and ignore the connection from then on). */
    public void neverAnswerFinalDot(boolean never) {
        faults.neverAnswerFinalDot(never);
    }

    /** Answer {@code 535 5.7.3} to the next {@code times} AUTH commands whatever the token. */
    public void rejectNextAuth(int times) {
        faults.rejectAuth(times);
    }

    /**
     * SMTP AUTH switched off for the tenant ({@code Set-TransportConfig -SmtpClientAuthenticationDisabled
     * $true}): every AUTH, whatever the token, gets {@link #SMTP_AUTH_DISABLED}, as Exchange Online answers.
     */
    public void smtpAuthDisabled(boolean disabled) {
        faults.smtpAuthDisabled(disabled);
    }

    /** Send a {@code 334} error challenge (base64 JSON) before each {@code 535}, as some servers do. */
    public void authErrorChallenge(boolean challenge) {
        faults.authErrorChallenge(challenge);
    }

    /**
     * Send {@code line} in plaintext right behind the STARTTLS {@code 220}, in the same packet: the
     * STARTTLS injection of RFC 3207 section 5, turned around. A careful client notices and gives up.
     */
    public void sendAfterStartTlsReply(String line) {
        faults.afterStartTlsReply(line);
    }

    /** Forget all fault settings. */
    public void clearFaults() {
        faults.clear();
    }

    // ---- what happened ----

    public List<ReceivedMessage> messages() {
        return List.copyOf(messages);
    }

    /** AUTH commands received, over TLS or not. */
    public int authAttempts() {
        return authAttempts.get();
    }

    /** Connections accepted so far (including refused ones). */
    public int connectionCount() {
        return connections.get();
    }

    /** The most connections authenticated as {@code mailbox} at the same time. */
    public int maxConcurrentConnections(String mailbox) {
        AtomicInteger max = maxConcurrent.get(mailbox.toLowerCase(Locale.ROOT));
        return max == null ? 0 : max.get();
    }

    /** Every connection's received command lines, in connection order. */
    public List<Transcript> transcripts() {
        List<Transcript> all = new ArrayList<>();
        transcripts.forEach((n, lines) -> {
            synchronized (lines) {
                all.add(new Transcript(n, List.copyOf(lines)));
            }
        });
        all.sort(Comparator.comparingInt(Transcript::connection));
        return all;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        // Bounded: an event loop thread that dies in its own clean-up never completes the
        // termination future (seen once in the durability harness, Netty 4.2.18).
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    // ---- for the sessions ----

    StandInExchangeFaults faults() {
        return faults;
    }

    List<TranscriptLine> transcript(int connection) {
        return transcripts.computeIfAbsent(connection, n -> Collections.synchronizedList(new ArrayList<>()));
    }

    void authAttempted() {
        authAttempts.incrementAndGet();
    }

    void authenticated(String mailbox) {
        int now = concurrent.computeIfAbsent(mailbox, m -> new AtomicInteger()).incrementAndGet();
        maxConcurrent.computeIfAbsent(mailbox, m -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    }

    void disconnected(String mailbox) {
        concurrent.get(mailbox).decrementAndGet();
    }

    ReceivedMessage store(String mailbox, String mailFrom, List<String> parameters, List<String> recipients,
                          byte[] content, byte[] wire, boolean answered) {
        ReceivedMessage message = new ReceivedMessage(messageNumbers.incrementAndGet(), mailbox, mailFrom,
                List.copyOf(parameters), List.copyOf(recipients), content, wire, answered);
        if (config.messageDirectory().isPresent()) {
            try {
                Files.write(config.messageDirectory().get().resolve(message.number() + ".eml"), content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        messages.add(message);
        return message;
    }
}

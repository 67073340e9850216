package dev.oauthrelay.session;

import dev.oauthrelay.auth.AuthThrottle;
import dev.oauthrelay.auth.SaslMechanism;
import dev.oauthrelay.auth.SaslStep;
import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.policy.SenderDecision;
import dev.oauthrelay.policy.SubmissionPolicy;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.session.data.DataDecoder;
import dev.oauthrelay.smtp.Command;
import dev.oauthrelay.smtp.CommandParser;
import dev.oauthrelay.smtp.ForeignProtocol;
import dev.oauthrelay.smtp.PathArgument;
import dev.oauthrelay.smtp.PathParser;
import dev.oauthrelay.smtp.Replies;
import dev.oauthrelay.smtp.SmtpReply;
import dev.oauthrelay.smtp.SmtpSyntaxException;
import dev.oauthrelay.smtp.Verb;
import dev.oauthrelay.spool.Envelope;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.spool.SpoolWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP server state machine for one connection (RFC 5321 section 4.1.4 for the order of
 * commands). It never touches a socket: the transport feeds it command lines, data bytes and TLS
 * events, and does what the returned {@link Step} says. Not thread-safe: the transport calls it
 * from one thread at a time, and blocking work (password checks, spool commits) runs on
 * {@code blocking} and resumes through {@link Step.Await}.
 */
public final class SmtpSession {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
    /** For the random part of added Message-IDs. */
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final SessionSettings settings;
    private final InetAddress client;
    private final String clientText;
    private final SubmissionPolicy policy;
    private final Spool spool;
    private final Executor blocking;
    private final Clock clock;
    private final Identity trusted;
    /** Bare CR and LF in DATA: the client's trusted network decides if it says, else the listener. */
    private final DataDecoder.Mode dataLineEndings;
    private final AuthGuard guard;
    private final RelayEvents events;
    /** What the next reply answers, for {@link RelayEvents#replied}: a verb or a fixed word. */
    private String answering = "GREETING";

    private String helo;
    private boolean esmtp;
    private String tlsProtocol;
    private String tlsCipher;
    private Identity authenticated;
    private SaslMechanism sasl;
    private Transaction transaction;
    private IncomingMessage incoming;
    private int errors;
    /** A STRICT session refused bare CR or LF in DATA: it is over, nothing more is read. */
    private boolean refusedData;
    private int authFailures;

    public SmtpSession(SessionSettings settings, InetAddress client, SubmissionPolicy policy, Spool spool,
                       Executor blocking, Clock clock, AuthGuard guard) {
        this(settings, client, policy, spool, blocking, clock, guard, RelayEvents.NONE);
    }

    public SmtpSession(SessionSettings settings, InetAddress client, SubmissionPolicy policy, Spool spool,
                       Executor blocking, Clock clock, AuthGuard guard, RelayEvents events) {
        this.events = events;
        this.settings = settings;
        this.client = client;
        this.clientText = client.getHostAddress();
        this.policy = policy;
        this.spool = spool;
        this.blocking = blocking;
        this.clock = clock;
        Optional<TrustedNetwork> network = policy.trustedNetwork(client);
        this.trusted = network.map(TrustedNetwork::identity).orElse(null);
        this.dataLineEndings = network.flatMap(TrustedNetwork::dataLineEndings).orElse(settings.dataLineEndings());
        this.guard = guard;
    }

    /** The connection is open (the transport calls this once, before {@link #greet}). */
    public void opened() {
        events.sessionOpened(settings.listenerName(), client);
    }

    /** The transport sent a reply with this code (to whatever {@link #onLine} last saw). */
    public void replied(int code) {
        events.replied(settings.listenerName(), answering, code);
    }

    public Step greet() {
        return Step.reply(Replies.greeting(settings.hostname()));
    }

    /**
     * TLS is now active: right after the implicit-TLS handshake, or after STARTTLS. RFC 3207
     * section 4.2: the server must discard all knowledge obtained from the client before TLS, so
     * the session starts over (the client must send EHLO again).
     */
    public void onTlsEstablished(String protocol, String cipher) {
        resetTransaction();
        this.tlsProtocol = protocol;
        this.tlsCipher = cipher;
        events.tlsEstablished(settings.listenerName(), client, protocol);
        this.helo = null;
        this.esmtp = false;
        this.authenticated = null;
        this.sasl = null;
    }

    public boolean tlsActive() {
        return tlsProtocol != null;
    }

    /**
     * Whether a mail transaction is under way (MAIL given, message not finished) or an AUTH
     * exchange is in progress. A draining server lets such a session finish before closing it.
     */
    public boolean busy() {
        return transaction != null || incoming != null || sasl != null;
    }

    /** Whether the transport is in the message body (after 354, before the end marker). */
    public boolean receivingData() {
        return incoming != null;
    }

    /** A command line arrived (without its CRLF). */
    public Step onLine(byte[] line) {
        if (refusedData) {
            return Step.reply(Replies.BARE_LINE_ENDING); // defence in depth: the transport has closed
        }
        if (sasl != null) {
            answering = "AUTH";
            return continueSasl(new String(line, StandardCharsets.UTF_8));
        }
        answering = "UNKNOWN";
        if (errors >= settings.maxErrors()) {
            return Step.reply(Replies.TOO_MANY_ERRORS);
        }
        Command command;
        try {
            command = CommandParser.parse(line);
        } catch (SmtpSyntaxException e) {
            return error(e.reply());
        }
        answering = command.verb().name();
        if (command.verb() == Verb.UNKNOWN && ForeignProtocol.matches(new String(line, StandardCharsets.UTF_8))) {
            log.info("client={} sent HTTP or header lines, not SMTP; closing", clientText);
            return Step.reply(Replies.NOT_SMTP);
        }
        return dispatch(command);
    }

    /**
     * Whether the client had to wait for the reply to this line before sending more (RFC 2920
     * section 3.1). A line inside an AUTH exchange answers a challenge: the client waits for the
     * next challenge or the outcome (RFC 4954 section 4). The transport closes the connection
     * when such a line is followed by more input that was already there.
     */
    public boolean endsGroup(byte[] line) {
        if (sasl != null) {
            return true;
        }
        try {
            return CommandParser.parse(line).endsGroup();
        } catch (SmtpSyntaxException e) {
            return false;
        }
    }

    /** The client sent a line longer than the configured limit; the transport discarded it. */
    public Step onLineTooLong() {
        if (sasl != null) {
            sasl = null;
            answering = "AUTH";
            events.authFailed(client, "", RelayEvents.AuthFailure.MALFORMED);
            return error(Replies.BAD_BASE64);
        }
        answering = "UNKNOWN";
        return error(Replies.LINE_TOO_LONG);
    }

    /** No input for the idle timeout (RFC 5321 section 4.5.3.2.7). */
    public Step onIdleTimeout() {
        answering = "TIMEOUT";
        return Step.reply(Replies.idleTimeout(settings.hostname()));
    }

    /**
     * The client started a command line but did not finish it within the per-command deadline:
     * a slow-drip client, whose trickle of bytes keeps the idle timeout from ever firing.
     */
    public Step onCommandTimeout() {
        answering = "TIMEOUT";
        log.info("client={} did not finish a command line in time (slow drip); closing", clientText);
        return Step.reply(Replies.commandTimeout(settings.hostname()));
    }

    /**
     * The client sent message data slower than the minimum data rate. The message is dropped
     * now (its temporary file deleted, nothing queued) and the connection closes.
     */
    public Step onDataTooSlow() {
        answering = "TIMEOUT";
        if (incoming != null) {
            log.info("client={} message {} refused: data sent too slowly; closing", clientText, incoming.writer().id());
            incoming.writer().abort();
            events.messageRefused(client, incoming.envelope().identity(), Replies.dataTimeout(settings.hostname()).code());
            incoming = null;
        }
        resetTransaction();
        return Step.reply(Replies.dataTimeout(settings.hostname()));
    }

    /** The connection is gone: drop any half-received message. */
    public void onClose() {
        if (incoming != null) {
            incoming.writer().abort();
            incoming = null;
        }
        resetTransaction();
        events.sessionClosed(settings.listenerName(), client);
    }

    private Step dispatch(Command c) {
        return switch (c.verb()) {
            case EHLO -> hello(c, true);
            case HELO -> hello(c, false);
            case MAIL -> mail(c);
            case RCPT -> rcpt(c);
            case DATA -> data(c);
            case RSET -> {
                resetTransaction();
                yield Step.reply(Replies.OK);
            }
            case NOOP -> Step.reply(Replies.OK);
            case QUIT -> Step.reply(Replies.goodbye(settings.hostname()));
            case VRFY -> Step.reply(Replies.CANNOT_VRFY);
            case HELP -> Step.reply(Replies.HELP);
            case STARTTLS -> startTls(c);
            case AUTH -> auth(c);
            case EXPN -> error(Replies.NOT_IMPLEMENTED);
            case BDAT -> {
                log.info("client={} sent BDAT, but CHUNKING is not offered; closing", clientText);
                yield error(Replies.BDAT_NOT_OFFERED);
            }
            case UNKNOWN -> error(Replies.UNRECOGNIZED);
        };
    }

    // RFC 5321 section 4.1.1.1; EHLO and HELO reset any transaction (section 4.1.4).
    private Step hello(Command c, boolean extended) {
        resetTransaction();
        // Several printers send EHLO without a name; tolerate it rather than lose their mail.
        helo = c.hasArgument() ? c.argument().split("[ \t]")[0] : "[" + clientText + "]";
        esmtp = extended;
        events.helo(client, helo);
        if (!extended) {
            return Step.reply(SmtpReply.of(250, settings.hostname()));
        }
        return Step.reply(new SmtpReply(250, null, EhloKeywords.lines(settings, clientText, tlsActive(),
                authAllowed() && policy.hasAccounts()), false));
    }

    private boolean authAllowed() {
        return tlsActive() || settings.allowPlaintextAuth();
    }

    private Step startTls(Command c) {
        if (settings.tlsMode() != TlsMode.STARTTLS) {
            return error(Replies.NOT_IMPLEMENTED);
        }
        if (tlsActive()) {
            return error(Replies.ALREADY_TLS);
        }
        if (c.hasArgument()) {
            return error(Replies.SYNTAX);
        }
        return new Step.Respond(Replies.READY_FOR_TLS, Step.Next.START_TLS);
    }

    // RFC 4954 section 4. AUTH is an ESMTP extension, but old printers and scanners send it after
    // HELO (they never say EHLO); like Postfix, the relay accepts it after either greeting.
    private Step auth(Command c) {
        if (helo == null) {
            return error(Replies.HELO_FIRST);
        }
        if (authenticated != null) {
            return error(Replies.ALREADY_AUTHENTICATED);
        }
        if (transaction != null) {
            return error(Replies.AUTH_IN_TRANSACTION);
        }
        if (!authAllowed()) {
            events.authFailed(client, "", RelayEvents.AuthFailure.PLAINTEXT_REFUSED);
            return error(settings.tlsMode() == TlsMode.STARTTLS ? Replies.STARTTLS_FIRST : Replies.ENCRYPTION_REQUIRED);
        }
        String[] parts = c.argument().split("[ \t]+");
        if (parts[0].isEmpty() || parts.length > 2) {
            return error(Replies.SYNTAX);
        }
        Optional<SaslMechanism> mechanism = SaslMechanism.forName(parts[0]);
        if (mechanism.isEmpty() || !policy.hasAccounts()) {
            return error(Replies.UNKNOWN_MECHANISM);
        }
        sasl = mechanism.get();
        return saslStep(sasl.start(parts.length == 2 ? parts[1] : null));
    }

    private Step continueSasl(String line) {
        return saslStep(sasl.next(line));
    }

    private Step saslStep(SaslStep step) {
        if (step instanceof SaslStep.Challenge challenge) {
            return Step.reply(challenge.reply());
        }
        sasl = null;
        if (step instanceof SaslStep.Failure failure) {
            if (failure.reply().equals(Replies.AUTH_FAILED)) {
                return authFailed();
            }
            events.authFailed(client, "", RelayEvents.AuthFailure.MALFORMED);
            return error(failure.reply());
        }
        SaslStep.Credentials credentials = (SaslStep.Credentials) step;
        String username = credentials.username();
        CompletableFuture<Supplier<Step>> work = guard
                .verify(clientText, username, () -> policy.authenticate(username, credentials.password()), blocking)
                .handle((outcome, failure) -> () -> authenticated(username,
                        failure == null ? outcome : new AuthGuard.Outcome(Optional.empty(), false, failure)));
        return new Step.Await(work);
    }

    private Step authenticated(String username, AuthGuard.Outcome outcome) {
        if (outcome.failure() != null) {
            log.warn("client={} password check failed: {}", clientText, outcome.failure().toString());
            events.authFailed(client, username, RelayEvents.AuthFailure.ERROR);
            return Step.reply(Replies.LOCAL_ERROR.withText("Temporary authentication failure"));
        }
        if (outcome.identity().isEmpty()) {
            log.info("client={} AUTH failed for user={}{}", clientText, AuthThrottle.printable(username),
                    outcome.lockedOut() ? " (locked out, password not checked)" : "");
            events.authFailed(client, username,
                    outcome.lockedOut() ? RelayEvents.AuthFailure.LOCKED_OUT : RelayEvents.AuthFailure.BAD_CREDENTIALS);
            return authFailed();
        }
        authenticated = outcome.identity().get();
        log.info("client={} authenticated as user={} mailbox={}", clientText, username, authenticated.mailbox());
        events.authSucceeded(client, username);
        return Step.reply(Replies.AUTH_OK);
    }

    private Step mail(Command c) {
        if (helo == null) {
            return error(Replies.HELO_FIRST);
        }
        if (transaction != null) {
            return error(Replies.NESTED_MAIL);
        }
        Identity identity = authenticated != null ? authenticated : trusted;
        if (identity == null) {
            return error(Replies.AUTH_REQUIRED);
        }
        PathArgument path;
        MailParameters params;
        try {
            path = PathParser.parseMail(c.argument());
            params = MailParameters.validate(path.parameters(), settings.maxMessageSize());
        } catch (SmtpSyntaxException e) {
            return error(e.reply());
        }
        if (!path.isAscii() && !params.smtpUtf8()) {
            return error(Replies.SMTPUTF8_REQUIRED);
        }
        if (!hasSpaceFor(Math.max(0, params.declaredSize()))) {
            return Step.reply(Replies.INSUFFICIENT_STORAGE);
        }
        SenderDecision decision = policy.decideSender(identity, path.address());
        if (decision instanceof SenderDecision.Reject reject) {
            log.info("client={} identity={} sender <{}> refused", clientText, identity.name(), path.address());
            events.messageRefused(client, identity.name(), reject.reply().code());
            return error(reject.reply());
        }
        SenderDecision.Accept accept = (SenderDecision.Accept) decision;
        transaction = new Transaction(identity, accept.sender(), params.kept(), params.smtpUtf8());
        return Step.reply(accept.rewritten() ? Replies.senderRewritten(accept.sender()) : Replies.SENDER_OK);
    }

    private boolean hasSpaceFor(long declaredSize) {
        try {
            return spool.usableSpace() - declaredSize >= settings.minFreeSpace();
        } catch (IOException e) {
            log.warn("cannot read free space of the spool: {}", e.toString());
            return false;
        }
    }

    private Step rcpt(Command c) {
        if (transaction == null) {
            return error(Replies.NEED_MAIL);
        }
        PathArgument path;
        try {
            path = PathParser.parseRcpt(c.argument());
        } catch (SmtpSyntaxException e) {
            return error(e.reply());
        }
        if (!path.parameters().isEmpty()) {
            return error(Replies.UNSUPPORTED_PARAMETER);
        }
        if (!path.isAscii() && !transaction.smtpUtf8) {
            return error(Replies.SMTPUTF8_REQUIRED);
        }
        if (!transaction.hasRecipient(path.address()) && transaction.recipientCount() >= settings.maxRecipients()) {
            // RFC 5321 section 4.5.3.1.10: 452 tells the client to send the rest in another transaction.
            return Step.reply(Replies.TOO_MANY_RECIPIENTS);
        }
        transaction.addRecipient(path.address());
        return Step.reply(Replies.RECIPIENT_OK);
    }

    private Step data(Command c) {
        if (transaction == null) {
            return error(Replies.NEED_MAIL);
        }
        if (transaction.recipientCount() == 0) {
            return error(Replies.NO_RECIPIENTS);
        }
        if (c.hasArgument()) {
            return error(Replies.SYNTAX);
        }
        QueueId id = spool.newId();
        boolean smtpUtf8 = transaction.smtpUtf8;
        Envelope envelope = new Envelope(id, clock.instant(), transaction.identity.name(),
                transaction.identity.kind() == Identity.Kind.ACCOUNT ? "account" : "trusted-network",
                transaction.identity.mailbox(), transaction.sender, transaction.parameters, transaction.recipients(),
                clientText, helo, tlsActive() ? tlsProtocol : "none");
        byte[] received = ReceivedHeader.build(helo, clientText, settings.hostname(),
                ReceivedHeader.protocol(esmtp, tlsActive(), authenticated != null, smtpUtf8),
                id.value(), tlsProtocol, tlsCipher, envelope.receivedAt());
        SpoolWriter writer = null;
        try {
            // Known compromise: creating the temp file and the buffered body writes happen on the
            // I/O thread. They only reach the page cache; the slow part (fsync, rename, directory
            // sync) runs on the blocking executor in commit(). Revisit with the benchmarks.
            writer = spool.begin(envelope);
            writer.write(ByteBuffer.wrap(received));
        } catch (IOException e) {
            log.warn("client={} cannot open spool file: {}", clientText, e.toString());
            if (writer != null) {
                writer.abort();
            }
            resetTransaction();
            return Step.reply(Replies.LOCAL_ERROR);
        }
        HeaderRepairSink headerRepair = new HeaderRepairSink(writer::write, transaction.identity.headerRepair(),
                new HeaderRepair.Context(envelope.receivedAt(), HeaderRepair.messageId(id, settings.hostname(), RANDOM),
                        transaction.identity.mailbox()));
        incoming = new IncomingMessage(writer, envelope, headerRepair, settings.maxMessageSize(), received.length, dataLineEndings);
        return new Step.Respond(Replies.START_DATA, Step.Next.DATA);
    }

    /**
     * Message bytes from the client. Consumes from {@code in} up to and including the end-of-data
     * marker; bytes after it stay in the buffer (they are the next pipelined commands).
     *
     * <p>With STRICT data line endings, a bare CR or LF ends the session at once: the partial
     * message is discarded (never queued), the reply is {@code 521 5.5.2} with
     * {@link Step.Next#CLOSE}, and the transport must not interpret any byte after it. Answering
     * right away rather than at the end of the data means there is no later "end" to find, so no
     * byte of a smuggled command can ever be taken for one.
     *
     * @return the step to take once the end marker (or a refused bare CR or LF) was seen, or
     *         empty if more data is needed
     */
    public Optional<Step> onData(ByteBuffer in) {
        if (incoming == null) {
            throw new IllegalStateException("not in DATA");
        }
        DataDecoder.Result result = incoming.feed(in);
        if (result == DataDecoder.Result.NEED_MORE) {
            return Optional.empty();
        }
        answering = "DATA-END";
        if (result == DataDecoder.Result.BARE_LINE_ENDING) {
            log.info("client={} message {} refused: bare CR or LF in the data (data-line-endings = strict); closing",
                    clientText, incoming.writer().id());
            incoming.writer().abort();
            events.messageRefused(client, incoming.envelope().identity(), Replies.BARE_LINE_ENDING.code());
            incoming = null;
            resetTransaction();
            refusedData = true;
            return Optional.of(Step.reply(Replies.BARE_LINE_ENDING));
        }
        IncomingMessage message = incoming;
        Transaction finished = transaction;
        incoming = null;
        resetTransaction();
        return Optional.of(finishData(message, finished));
    }

    private Step finishData(IncomingMessage message, Transaction finished) {
        SpoolWriter writer = message.writer();
        switch (message.outcome()) {
            case TOO_BIG -> {
                log.info("client={} message {} refused: {} bytes exceed the limit", clientText, writer.id(), message.size());
                events.messageRefused(client, message.envelope().identity(), Replies.MESSAGE_TOO_BIG.code());
                return error(Replies.MESSAGE_TOO_BIG);
            }
            case WRITE_FAILED -> {
                log.warn("client={} message {} not stored: {}", clientText, writer.id(), message.writeFailure().toString());
                events.messageRefused(client, message.envelope().identity(), Replies.LOCAL_ERROR.code());
                return Step.reply(Replies.LOCAL_ERROR);
            }
            default -> {
                // The 250 goes out only after commit() returned: file forced, renamed into the
                // queue, directory synced (RFC 5321 section 6.1: the 250 hands over responsibility).
                CompletableFuture<Supplier<Step>> work = CompletableFuture.runAsync(() -> commit(writer), blocking)
                        .handle((ok, failure) -> () -> committed(message, finished, failure));
                return new Step.Await(work);
            }
        }
    }

    private static void commit(SpoolWriter writer) {
        try {
            writer.commit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** For the log: the names of the header repairs made, "none", or why the header was not repaired. */
    private static String repairSummary(HeaderRepairSink repair) {
        if (repair.skipped() != null) {
            return "none (" + repair.skipped() + ")";
        }
        return repair.repairs().isEmpty() ? "none" : String.join(",", repair.repairs());
    }

    private Step committed(IncomingMessage message, Transaction t, Throwable failure) {
        SpoolWriter writer = message.writer();
        if (failure != null) {
            log.warn("client={} message {} not stored: {}", clientText, writer.id(), rootCause(failure));
            events.messageRefused(client, t.identity.name(), Replies.LOCAL_ERROR.code());
            return Step.reply(Replies.LOCAL_ERROR);
        }
        long size = message.size();
        String repairs = repairSummary(message.headerRepair());
        log.info("queued id={} identity={} mailbox={} from=<{}> recipients={} size={} client={} header-repairs={}",
                writer.id(), t.identity.name(), t.identity.mailbox(), t.sender, t.recipientCount(), size, clientText,
                repairs);
        events.messageReceived(message.envelope(), size, message.headerRepair().messageId());
        return Step.reply(Replies.queued(writer.id().value()));
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.toString();
    }

    private void resetTransaction() {
        transaction = null;
    }

    /**
     * A refused AUTH: the same reply whatever the reason (unknown user, wrong password, lockout).
     * The last one a session may have gets that same reply and then the connection closes.
     */
    private Step authFailed() {
        authFailures++;
        return error(authFailures >= guard.failuresPerSession() ? Replies.AUTH_FAILED.closing() : Replies.AUTH_FAILED);
    }

    /** A refused command counts toward the session's error limit. */
    private Step error(SmtpReply reply) {
        errors++;
        return Step.reply(reply);
    }
}

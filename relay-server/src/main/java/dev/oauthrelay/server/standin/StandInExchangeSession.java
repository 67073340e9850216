package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.standin.StandInExchange.Stage;
import dev.oauthrelay.server.standin.StandInExchange.TranscriptLine;
import dev.oauthrelay.session.data.DataDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One connection to the stand-in: Exchange Online's submission dialogue, as far as the relay needs it. */
final class StandInExchangeSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StandInExchangeSession.class);

    private static final int MAX_LINE = 16 * 1024;
    private static final String NOT_AUTHENTICATED = "530 5.7.57 Client not authenticated to send mail";
    private static final String AUTH_FAILED = "535 5.7.3 Authentication unsuccessful";
    /** What Office 365 puts in its XOAUTH2 error challenge (RFC 7628 section 3.2.2 style). */
    private static final String ERROR_CHALLENGE = Base64.getEncoder().encodeToString(
            "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://outlook.office365.com/.default\"}"
                    .getBytes(StandardCharsets.UTF_8));

    /** The transcript line when the stand-in refused DATA with a bare CR or LF. */
    static final String BARE_LINE_ENDING_REFUSED = "<bare CR or LF in message data: refused>";

    private final StandInExchange server;
    private final StandInExchangeFaults faults;
    private final List<TranscriptLine> transcript;

    private ByteBuf buffer;
    private boolean tls;
    private String mailbox;
    private SaslState sasl = SaslState.NONE;
    private String mailFrom;
    private final List<String> parameters = new ArrayList<>();
    private final List<String> recipients = new ArrayList<>();
    private DataDecoder data;
    private ByteArrayOutputStream content;
    /** The DATA bytes as they came over the wire, dot-stuffing and final dot included. */
    private ByteArrayOutputStream wire;
    private boolean silent;

    private enum SaslState { NONE, AWAIT_RESPONSE, AWAIT_CHALLENGE_ACK }

    StandInExchangeSession(StandInExchange server, int connection) {
        this.server = server;
        this.faults = server.faults();
        this.transcript = server.transcript(connection);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        buffer = ctx.alloc().buffer();
        if (faults.refuseConnections()) {
            ctx.close();
            return;
        }
        String fault = faults.take(Stage.CONNECT);
        reply(ctx, fault != null ? fault : "220 " + StandInExchange.SERVER_NAME + " Microsoft ESMTP MAIL Service ready");
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            buffer.writeBytes(in);
        } finally {
            in.release();
        }
        try {
            process(ctx);
        } catch (IOException e) {
            ctx.close();
        }
        buffer.discardSomeReadBytes();
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            tls = true;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (mailbox != null) {
            server.disconnected(mailbox);
        }
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stand-in connection error: {}", cause.toString());
        ctx.close();
    }

    private void process(ChannelHandlerContext ctx) throws IOException {
        while (buffer != null && buffer.isReadable()) {
            if (data != null && !silent) {
                ByteBuffer nio = buffer.nioBuffer();
                DataDecoder.Result result = data.feed(nio);
                buffer.getBytes(buffer.readerIndex(), wire, nio.position());
                buffer.skipBytes(nio.position());
                if (result == DataDecoder.Result.NEED_MORE) {
                    return;
                }
                if (result == DataDecoder.Result.BARE_LINE_ENDING) {
                    // Like a strict modern server: the relay must never send a bare CR or LF.
                    transcript.add(new TranscriptLine(BARE_LINE_ENDING_REFUSED, tls));
                    data = null;
                    silent = true;
                    ctx.writeAndFlush(line("521 5.5.2 Bare CR or LF in message data; closing"))
                            .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                    return;
                }
                endOfData(ctx);
                continue;
            }
            int lf = buffer.indexOf(buffer.readerIndex(), buffer.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (buffer.readableBytes() > MAX_LINE) {
                    buffer.clear();
                    reply(ctx, "500 5.5.6 Line too long");
                }
                return;
            }
            int length = lf - buffer.readerIndex();
            if (length > 0 && buffer.getByte(lf - 1) == '\r') {
                length--;
            }
            String line = buffer.toString(buffer.readerIndex(), length, StandardCharsets.UTF_8);
            buffer.readerIndex(lf + 1);
            record(line);
            if (!silent && command(ctx, line)) {
                return; // STARTTLS: what follows is TLS
            }
        }
    }

    private void record(String line) {
        String shown = line;
        if (sasl != SaslState.NONE) {
            shown = line.isEmpty() ? "" : "<SASL response>";
        } else if (line.regionMatches(true, 0, "AUTH ", 0, 5)) {
            String[] words = line.split(" ", 3);
            shown = words.length > 2 ? words[0] + " " + words[1] + " <initial response>" : line;
        }
        transcript.add(new TranscriptLine(shown, tls));
    }

    /** Handles one line; true if the connection switched to TLS. */
    private boolean command(ChannelHandlerContext ctx, String line) {
        if (sasl != SaslState.NONE) {
            saslContinuation(ctx, line);
            return false;
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String args = space < 0 ? "" : line.substring(space + 1).trim();
        switch (verb) {
            case "EHLO" -> ehlo(ctx);
            case "HELO" -> reply(ctx, "250 " + StandInExchange.SERVER_NAME + " Hello");
            case "STARTTLS" -> {
                return startTls(ctx);
            }
            case "AUTH" -> auth(ctx, args);
            case "MAIL" -> mail(ctx, args);
            case "RCPT" -> rcpt(ctx, args);
            case "DATA" -> data(ctx);
            case "RSET" -> {
                resetTransaction();
                reply(ctx, "250 2.0.0 Resetting");
            }
            case "NOOP" -> reply(ctx, "250 2.0.0 OK");
            case "QUIT" -> ctx.writeAndFlush(line("221 2.0.0 Service closing transmission channel"))
                    .addListener(ChannelFutureListener.CLOSE);
            default -> reply(ctx, "500 5.3.3 Unrecognized command");
        }
        return false;
    }

    private void ehlo(ChannelHandlerContext ctx) {
        String fault = faults.take(Stage.EHLO);
        if (fault != null) {
            reply(ctx, fault);
            return;
        }
        resetTransaction();
        List<String> lines = new ArrayList<>();
        lines.add(StandInExchange.SERVER_NAME + " Hello [127.0.0.1]");
        lines.add("SIZE " + StandInExchange.SIZE_LIMIT);
        lines.add("PIPELINING");
        lines.add("ENHANCEDSTATUSCODES");
        if (!tls) {
            lines.add("STARTTLS");
        } else {
            lines.add("AUTH XOAUTH2"); // Exchange Online offers AUTH only after STARTTLS
        }
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.removeIf(l -> !faults.advertises(l.split(" ")[0]) && !l.startsWith(StandInExchange.SERVER_NAME));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
        }
        ctx.write(Unpooled.copiedBuffer(out, StandardCharsets.UTF_8));
    }

    private boolean startTls(ChannelHandlerContext ctx) {
        if (tls || !faults.advertises("STARTTLS")) {
            reply(ctx, tls ? "503 5.5.1 TLS already active" : "500 5.3.3 Unrecognized command");
            return false;
        }
        String fault = faults.take(Stage.STARTTLS);
        if (fault != null) {
            reply(ctx, fault);
            return false;
        }
        // The 220 goes out in plaintext before the TLS handler is in place. Anything the client
        // sent after STARTTLS in plaintext is dropped (RFC 3207 section 5, command injection).
        String injected = faults.afterStartTlsReply();
        ctx.writeAndFlush(line("220 2.0.0 SMTP server ready" + (injected == null ? "" : "\r\n" + injected)));
        buffer.clear();
        ctx.pipeline().addFirst("tls", new SslHandler(server.config.tls().newEngine(ctx.alloc())));
        // RFC 3207 section 4.2: the server forgets everything it knew about the client.
        resetTransaction();
        return true;
    }

    private void auth(ChannelHandlerContext ctx, String args) {
        server.authAttempted();
        if (!tls) {
            reply(ctx, NOT_AUTHENTICATED);
            return;
        }
        if (mailbox != null) {
            reply(ctx, "503 5.5.1 Already authenticated");
            return;
        }
        String[] words = args.split(" ");
        if (!words[0].equalsIgnoreCase("XOAUTH2")) {
            reply(ctx, "504 5.7.4 Unrecognized authentication type");
            return;
        }
        if (words.length < 2) {
            sasl = SaslState.AWAIT_RESPONSE;
            reply(ctx, "334 ");
            return;
        }
        verify(ctx, words[1]);
    }

    private void saslContinuation(ChannelHandlerContext ctx, String line) {
        SaslState state = sasl;
        sasl = SaslState.NONE;
        if (state == SaslState.AWAIT_CHALLENGE_ACK || line.equals("*")) {
            reply(ctx, AUTH_FAILED);
        } else {
            verify(ctx, line);
        }
    }

    private void verify(ChannelHandlerContext ctx, String response) {
        String fault = faults.take(Stage.AUTH);
        if (fault != null) {
            reply(ctx, fault);
            return;
        }
        String user = null;
        String token = null;
        try {
            String decoded = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
            for (String part : decoded.split("\u0001")) {
                if (part.startsWith("user=")) {
                    user = part.substring(5).toLowerCase(Locale.ROOT);
                } else if (part.startsWith("auth=Bearer ")) {
                    token = part.substring(12);
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64: refused below
        }
        if (faults.smtpAuthDisabled()) {
            reply(ctx, StandInExchange.SMTP_AUTH_DISABLED);
            return;
        }
        boolean forced = faults.takeForcedAuthFailure();
        if (!forced && user != null && token != null && server.config.mailboxes().containsKey(user)
                && server.config.tokenValidator().test(user, token)) {
            mailbox = user;
            server.authenticated(user);
            reply(ctx, "235 2.7.0 Authentication successful");
        } else if (faults.authErrorChallenge()) {
            sasl = SaslState.AWAIT_CHALLENGE_ACK;
            reply(ctx, "334 " + ERROR_CHALLENGE);
        } else {
            reply(ctx, AUTH_FAILED);
        }
    }

    private void mail(ChannelHandlerContext ctx, String args) {
        if (mailbox == null) {
            reply(ctx, NOT_AUTHENTICATED);
            return;
        }
        if (mailFrom != null) {
            reply(ctx, "503 5.5.1 Sender already specified");
            return;
        }
        String fault = faults.take(Stage.MAIL);
        if (fault != null) {
            reply(ctx, fault);
            return;
        }
        Path path = Path.parse(args, "FROM:");
        if (path == null) {
            reply(ctx, "501 5.5.4 Invalid arguments");
            return;
        }
        Set<String> allowed = server.config.mailboxes().get(mailbox);
        if (!allowed.contains(path.address().toLowerCase(Locale.ROOT))) {
            reply(ctx, "550 5.7.60 SMTP; Client does not have permissions to send as this sender");
            return;
        }
        for (String p : path.parameters()) {
            String keyword = p.split("=", 2)[0].toUpperCase(Locale.ROOT);
            String needs = switch (keyword) {
                case "SIZE" -> "SIZE";
                case "BODY" -> "8BITMIME";
                case "SMTPUTF8" -> "SMTPUTF8";
                default -> null;
            };
            if (needs == null || !faults.advertises(needs)) {
                reply(ctx, "555 5.5.4 Unsupported option: " + keyword);
                return;
            }
            if (keyword.equals("SIZE")) {
                if (!p.matches("(?i)SIZE=[0-9]{1,18}")) {
                    reply(ctx, "501 5.5.4 Invalid SIZE");
                    return;
                }
                if (Long.parseLong(p.substring(5)) > StandInExchange.SIZE_LIMIT) {
                    reply(ctx, "552 5.3.4 Message size exceeds fixed maximum message size");
                    return;
                }
            }
        }
        mailFrom = path.address();
        parameters.addAll(path.parameters());
        reply(ctx, "250 2.1.0 Sender OK");
    }

    private void rcpt(ChannelHandlerContext ctx, String args) {
        if (mailFrom == null) {
            reply(ctx, mailbox == null ? NOT_AUTHENTICATED : "503 5.5.1 Need MAIL command");
            return;
        }
        String fault = faults.take(Stage.RCPT);
        if (fault != null) {
            reply(ctx, fault);
            return;
        }
        Path path = Path.parse(args, "TO:");
        if (path == null || path.address().isEmpty()) {
            reply(ctx, "501 5.5.4 Invalid arguments");
            return;
        }
        recipients.add(path.address());
        reply(ctx, "250 2.1.5 Recipient OK");
    }

    private void data(ChannelHandlerContext ctx) {
        if (recipients.isEmpty()) {
            reply(ctx, mailbox == null ? NOT_AUTHENTICATED : "503 5.5.2 Need rcpt command");
            return;
        }
        String fault = faults.take(Stage.DATA);
        if (fault != null) {
            reply(ctx, fault);
            return;
        }
        content = new ByteArrayOutputStream();
        wire = new ByteArrayOutputStream();
        // STRICT: a bare CR or LF from the relay is a bug, answered with 521 and a close.
        data = new DataDecoder(chunk -> {
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            content.write(bytes, 0, bytes.length);
        }, DataDecoder.Mode.STRICT);
        reply(ctx, "354 Start mail input; end with <CRLF>.<CRLF>");
    }

    private void endOfData(ChannelHandlerContext ctx) {
        byte[] bytes = content.toByteArray();
        byte[] onWire = wire.toByteArray();
        transcript.add(new TranscriptLine("<message data: " + bytes.length + " bytes>", tls));
        data = null;
        content = null;
        wire = null;
        String fault = faults.take(Stage.AFTER_DOT);
        if (fault != null) {
            if (fault.startsWith("2")) {
                server.store(mailbox, mailFrom, parameters, recipients, bytes, onWire, true);
            }
            reply(ctx, fault);
        } else if (faults.takeDropAfterDot()) {
            server.store(mailbox, mailFrom, parameters, recipients, bytes, onWire, false);
            ctx.flush();
            ctx.close();
            silent = true;
        } else if (faults.neverAnswerFinalDot()) {
            server.store(mailbox, mailFrom, parameters, recipients, bytes, onWire, false);
            silent = true;
        } else {
            server.store(mailbox, mailFrom, parameters, recipients, bytes, onWire, true);
            reply(ctx, "250 2.0.0 OK <" + UUID.randomUUID() + "@" + StandInExchange.SERVER_NAME + "> [Hostname="
                    + StandInExchange.SERVER_NAME + "]");
        }
        resetTransaction();
    }

    private void resetTransaction() {
        mailFrom = null;
        parameters.clear();
        recipients.clear();
    }

    private void reply(ChannelHandlerContext ctx, String text) {
        ctx.write(line(text));
    }

    private static ByteBuf line(String text) {
        return Unpooled.copiedBuffer(text + "\r\n", StandardCharsets.UTF_8);
    }

    /** "FROM:<address> PARAM PARAM=value" split up; null if malformed. */
    private record Path(String address, List<String> parameters) {
        static Path parse(String args, String prefix) {
            if (!args.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return null;
            }
            String rest = args.substring(prefix.length()).trim();
            int close = rest.indexOf('>');
            if (!rest.startsWith("<") || close < 0) {
                return null;
            }
            List<String> params = new ArrayList<>();
            for (String p : rest.substring(close + 1).trim().split(" +")) {
                if (!p.isEmpty()) {
                    params.add(p);
                }
            }
            return new Path(rest.substring(1, close), params);
        }
    }
}

package dev.oauthrelay.bench.sink;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One sink connection: command lines until DATA, then bytes up to CRLF.CRLF (discarded, counted),
 * then commands again. Pipelined commands are answered in one write per read.
 */
final class SinkSession extends ByteToMessageDecoder {

    private static final byte[] MARKER = {'\r', '\n', '.', '\r', '\n'};

    private final BenchSink sink;
    private final SslContext tls;
    private boolean data;
    private boolean authContinuation;
    /** How much of CRLF.CRLF has been seen; 2 at the start of the data (it begins a line). */
    private int matched;
    private long size;
    private ByteBuf replies;

    SinkSession(BenchSink sink, SslContext tls) {
        this.sink = sink;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(ascii("220 localhost ESMTP bench sink\r\n"));
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (data) {
                if (!scanData(in)) {
                    return;
                }
                data = false;
                sink.delivered(size);
                reply("250 2.0.0 Ok: queued as " + sink.messages.get());
                continue;
            }
            int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (eol < 0) {
                if (in.readableBytes() > 65536) {
                    ctx.close();
                }
                return;
            }
            int len = eol - in.readerIndex();
            String line = in.toString(in.readerIndex(), len, StandardCharsets.US_ASCII);
            in.readerIndex(eol + 1);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (command(ctx, line)) {
                return; // STARTTLS: nothing pipelined may follow (RFC 3207 section 4)
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        flushReplies(ctx);
        super.channelReadComplete(ctx);
    }

    /** Consumes body bytes; true once the end-of-data marker has been consumed. */
    private boolean scanData(ByteBuf in) {
        int i = in.readerIndex();
        int end = in.writerIndex();
        int m = matched;
        while (i < end) {
            byte b = in.getByte(i++);
            if (b == MARKER[m]) {
                m++;
                if (m == MARKER.length) {
                    size += i - in.readerIndex();
                    in.readerIndex(i);
                    matched = 0;
                    return true;
                }
            } else {
                m = b == '\r' ? 1 : 0;
            }
            // Fast skip: when nothing is matched, jump to the next CR.
            if (m == 0) {
                int cr = in.indexOf(i, end, (byte) '\r');
                if (cr < 0) {
                    i = end;
                } else {
                    i = cr;
                }
            }
        }
        size += end - in.readerIndex();
        in.readerIndex(end);
        matched = m;
        return false;
    }

    /** Handles one line; true if the connection switches to TLS. */
    private boolean command(ChannelHandlerContext ctx, String line) {
        if (authContinuation) {
            authContinuation = false;
            reply("235 2.7.0 Authentication successful");
            return false;
        }
        String upper = line.toUpperCase(Locale.ROOT);
        String verb = upper.length() >= 4 ? upper.substring(0, 4) : upper;
        boolean tlsActive = ctx.pipeline().get(SslHandler.class) != null;
        switch (verb) {
            case "EHLO" -> reply("250-localhost\r\n250-PIPELINING\r\n250-SIZE 2000000000\r\n250-8BITMIME\r\n"
                    + "250-ENHANCEDSTATUSCODES\r\n" + (tlsActive ? "" : "250-STARTTLS\r\n")
                    + "250 AUTH PLAIN XOAUTH2");
            case "HELO" -> reply("250 localhost");
            case "STAR" -> {
                if (tlsActive) {
                    reply("503 5.5.1 TLS already active");
                    return false;
                }
                flushReplies(ctx);
                // startTls = true: the 220 below still goes out in plaintext (RFC 3207 section 4).
                ctx.pipeline().addFirst(new SslHandler(tls.newEngine(ctx.alloc()), true));
                ctx.writeAndFlush(ascii("220 2.0.0 Ready to start TLS\r\n"));
                return true;
            }
            case "AUTH" -> {
                if (line.trim().split("\\s+").length >= 3) {
                    reply("235 2.7.0 Authentication successful");
                } else {
                    authContinuation = true;
                    reply("334 ");
                }
            }
            case "MAIL", "RCPT", "RSET", "NOOP" -> reply("250 2.0.0 Ok");
            case "DATA" -> {
                data = true;
                matched = 2;
                size = 0;
                reply("354 End data with <CR><LF>.<CR><LF>");
            }
            case "XSTA" -> reply("250 " + sink.stats());
            case "QUIT" -> {
                reply("221 2.0.0 Bye");
                flushReplies(ctx);
                ctx.close();
            }
            default -> reply("502 5.5.2 Command not recognized");
        }
        return false;
    }

    private void reply(String text) {
        if (replies == null) {
            replies = Unpooled.buffer(256);
        }
        ByteBufUtil.writeAscii(replies, text);
        ByteBufUtil.writeAscii(replies, "\r\n");
    }

    private void flushReplies(ChannelHandlerContext ctx) {
        if (replies != null) {
            ByteBuf r = replies;
            replies = null;
            ctx.writeAndFlush(r);
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

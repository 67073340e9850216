package dev.oauthrelay.server.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the server's bytes into {@link Reply} objects (RFC 5321 section 4.2.1): lines
 * "ddd-text" continue a reply, "ddd text" (or just "ddd") ends it. Memory is bounded: a line or a
 * reply that is too long, or a malformed line, is a protocol error that ends the connection.
 */
final class ReplyDecoder extends ByteToMessageDecoder {

    /** RFC 5321 section 4.5.3.1.5 allows 512 octets per reply line; be generous. */
    static final int MAX_LINE = 4096;
    static final int MAX_LINES = 200;

    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (in.readableBytes() > MAX_LINE) {
                    throw new CorruptedFrameException("upstream reply line longer than " + MAX_LINE + " bytes");
                }
                return;
            }
            int length = lf - in.readerIndex();
            if (length > MAX_LINE) {
                throw new CorruptedFrameException("upstream reply line longer than " + MAX_LINE + " bytes");
            }
            int contentLength = length > 0 && in.getByte(lf - 1) == '\r' ? length - 1 : length;
            String line = in.toString(in.readerIndex(), contentLength, StandardCharsets.UTF_8);
            in.readerIndex(lf + 1);
            Reply reply = addLine(line);
            if (reply != null) {
                out.add(reply);
            }
        }
    }

    /** Whether bytes of an incomplete reply are buffered (checked before STARTTLS, RFC 3207 section 5). */
    boolean hasBufferedBytes() {
        return actualReadableBytes() > 0 || !lines.isEmpty();
    }

    private Reply addLine(String line) {
        if (line.length() < 3 || !isDigits(line) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            throw new CorruptedFrameException("malformed upstream reply line");
        }
        int lineCode = Integer.parseInt(line.substring(0, 3));
        if (lineCode < 200 || lineCode > 599 || (code >= 0 && lineCode != code)) {
            throw new CorruptedFrameException("unexpected reply code " + lineCode);
        }
        code = lineCode;
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (lines.size() > MAX_LINES) {
            throw new CorruptedFrameException("upstream reply with more than " + MAX_LINES + " lines");
        }
        if (line.length() > 3 && line.charAt(3) == '-') {
            return null;
        }
        Reply reply = new Reply(code, lines);
        lines.clear();
        code = -1;
        return reply;
    }

    private static boolean isDigits(String line) {
        for (int i = 0; i < 3; i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}

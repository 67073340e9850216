package dev.oauthrelay.server.graph;

import dev.oauthrelay.delivery.Submission;
import dev.oauthrelay.session.HeaderRepair;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The MIME message Graph gets for a submission: the stored message, with the envelope recipients
 * that are not in its {@code To:}, {@code Cc:} or {@code Bcc:} added as {@code Bcc:} (Graph has
 * no envelope; it sends to the header's recipients). Nothing else changes: a message whose
 * recipients are all in its header is sent byte for byte. Read from the spool when sent, never
 * held in memory; only the header section is (at most {@link #MAX_HEADER} bytes).
 *
 * <p>Known difference from SMTP: a header recipient that is not an envelope recipient (a device
 * that lists more in {@code To:} than it gives in {@code RCPT TO}, or a recipient the SMTP upstream
 * already took before a fallback) gets the message from Graph as well; {@link #headerOnly()} names
 * them for the log.
 */
final class OutgoingMime {

    /** Longer header sections are not parsed: every recipient is then added as Bcc, at the top. */
    static final int MAX_HEADER = 256 * 1024;

    private static final byte[] END_OF_HEADER = {'\r', '\n', '\r', '\n'};

    private final Submission.Body body;
    private final byte[] header;
    private final long skip;
    private final long size;
    private final List<String> addedBcc;
    private final List<String> headerOnly;

    private OutgoingMime(Submission.Body body, byte[] header, long skip, long size, List<String> addedBcc,
                         List<String> headerOnly) {
        this.body = body;
        this.header = header;
        this.skip = skip;
        this.size = size;
        this.addedBcc = addedBcc;
        this.headerOnly = headerOnly;
    }

    /** Reads the header section of the stored message (blocking I/O). */
    static OutgoingMime of(Submission s) throws IOException {
        byte[] head;
        try (InputStream in = s.body().open()) {
            head = in.readNBytes(MAX_HEADER + END_OF_HEADER.length);
        }
        int end = indexOf(head, END_OF_HEADER);
        byte[] fields;
        long skip;
        if (end >= 0) {
            fields = Arrays.copyOf(head, end + 2); // the last field's CRLF, not the empty line
            skip = end + 2;
        } else if (head.length < MAX_HEADER + END_OF_HEADER.length) {
            fields = head; // a message without a body
            skip = head.length;
        } else {
            fields = new byte[0]; // header section too long to look at: Bcc goes first
            skip = 0;
        }
        List<String> inHeader = HeaderRepair.recipients(fields);
        Set<String> header = lower(inHeader);
        Set<String> envelope = lower(s.recipients());
        List<String> missing = s.recipients().stream().filter(r -> !header.contains(r.toLowerCase(Locale.ROOT))).toList();
        List<String> headerOnly = inHeader.stream().filter(r -> !envelope.contains(r.toLowerCase(Locale.ROOT)))
                .distinct().toList();
        byte[] out = HeaderRepair.addBcc(fields, missing);
        return new OutgoingMime(s.body(), out, skip, s.bodySize() - skip + out.length, missing, headerOnly);
    }

    /** The message as sent, from the start. */
    InputStream open() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(header), skipped(body.open(), skip));
    }

    /** {@code in} after its first {@code n} bytes; closed if they cannot be skipped. */
    static InputStream skipped(InputStream in, long n) throws IOException {
        try {
            in.skipNBytes(n);
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Bytes sent (before base64). */
    long size() {
        return size;
    }

    /** The envelope recipients added as Bcc. */
    List<String> addedBcc() {
        return addedBcc;
    }

    /** Header recipients that are not envelope recipients: Graph sends to them too. */
    List<String> headerOnly() {
        return headerOnly;
    }

    private static Set<String> lower(List<String> addresses) {
        Set<String> out = new HashSet<>();
        addresses.forEach(a -> out.add(a.toLowerCase(Locale.ROOT)));
        return out;
    }

    static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

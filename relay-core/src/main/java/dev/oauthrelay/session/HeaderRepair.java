package dev.oauthrelay.session;

import dev.oauthrelay.policy.HeaderRepairOptions;
import dev.oauthrelay.spool.QueueId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Repairs the header section of a device's message (RFC 5322), so that Exchange Online accepts it
 * and mail clients show it properly. Pure: bytes in, bytes out. {@link HeaderRepairSink} feeds it
 * the header section of a message while the message streams into the spool.
 *
 * <p>The repairs, each switched on or off by {@link HeaderRepairOptions}:
 * <ul>
 *   <li>{@value #ADD_DATE}: a missing (or empty) {@code Date:} is added with the time the relay
 *       received the message (RFC 5322 sections 3.3 and 3.6.1; RFC 6409 section 8.3 lets the
 *       submission server do this).
 *   <li>{@value #ADD_MESSAGE_ID}: a missing (or empty) {@code Message-ID:} is added, made from
 *       the queue id, random bits and the relay's host name (RFC 5322 section 3.6.4; RFC 6409
 *       section 8.3).
 *   <li>{@value #QUOTE_DISPLAY_NAME}: in {@code From:}, {@code Sender:} and {@code Reply-To:}, a
 *       display name with an {@code @} outside quotes ({@code scanner@contoso.com
 *       <scanner@contoso.com>}, {@code MFP @ 2nd floor <mfp@x>}) becomes a quoted-string, with
 *       {@code "} and {@code \} escaped. Exchange Online refuses such messages. Encoded-words,
 *       quoted-strings and comments in the name are left as they are (an encoded-word must not be
 *       quoted, RFC 2047 section 5); only the plain words around them that hold the {@code @} are
 *       quoted.
 *   <li>{@value #REWRITE_FROM}: the address in {@code From:} (and {@code Sender:}) becomes the
 *       identity's mailbox, the display name stays; a missing From is added. Then
 *       {@value #ADD_REPLY_TO}: unless the message has a {@code Reply-To:}, one is added with the
 *       original From, so replies still reach the device's sender.
 * </ul>
 * Added fields go at the end of the header section, in the order Date, Message-ID, From,
 * Reply-To. Field names are compared ignoring case; folded fields (continuation lines) are
 * handled and keep their folding. Nothing else changes: a message that needs no repair comes out
 * byte for byte as it went in, and a repaired header section has CRLF line ends. Header text is
 * handled as bytes (ISO-8859-1 in, ISO-8859-1 out), so 8-bit UTF-8 header text passes unchanged.
 */
public final class HeaderRepair {

    public static final String ADD_DATE = "add-date";
    public static final String ADD_MESSAGE_ID = "add-message-id";
    public static final String QUOTE_DISPLAY_NAME = "quote-display-name";
    public static final String REWRITE_FROM = "rewrite-from";
    public static final String ADD_REPLY_TO = "add-reply-to";
    /** A repaired message whose body followed its header fields without an empty line gets one. */
    public static final String ADD_SEPARATOR = "add-separator";

    /** RFC 5322 section 3.3 date-time, in UTC like the Received header: {@code Sun, 29 Nov 2026 10:15:30 +0000}. */
    static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** RFC 2047 encoded-word. */
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?[^?\\s]+\\?[BbQq]\\?[^?\\s]*\\?=");
    /** atext and "." (RFC 5322 dot-atom-text), for the right side of a Message-ID. */
    private static final Pattern ID_RIGHT = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    private static final byte PLAIN = 0;
    private static final byte QUOTED = 1;
    private static final byte COMMENT = 2;

    /**
     * What to add.
     *
     * @param receivedAt when the relay received the message: the value of an added Date
     * @param messageId  an added Message-ID, with its angle brackets ({@link #messageId})
     * @param mailbox    the identity's mailbox, for rewrite-from
     */
    public record Context(Instant receivedAt, String messageId, String mailbox) {
        public Context {
            Objects.requireNonNull(receivedAt, "receivedAt");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /**
     * The repaired header fields, the names of the repairs made (empty: {@code header} is the
     * input), and the message's Message-ID after repair (for the audit log), or null if it has none.
     */
    public record Result(byte[] header, List<String> repairs, String messageId) {
        public boolean changed() {
            return !repairs.isEmpty();
        }
    }

    private HeaderRepair() {
    }

    /** {@code <QUEUEID.random@hostname>}: unique through the queue id alone, the random part makes it unguessable. */
    public static String messageId(QueueId id, String hostname, RandomGenerator random) {
        String right = hostname == null ? "" : hostname.strip();
        if (right.endsWith(".")) {
            right = right.substring(0, right.length() - 1); // an absolute DNS name
        }
        if (!ID_RIGHT.matcher(right).matches()) {
            right = "localhost"; // an address literal or odd name is no dot-atom
        }
        return "<" + id.value() + "." + HexFormat.of().toHexDigits(random.nextLong()) + "@" + right + ">";
    }

    /** The {@code Date:} value for an instant. */
    public static String date(Instant when) {
        return DATE.format(when);
    }

    /**
     * Repairs a header section.
     *
     * @param fields the header fields, each line ending in CRLF, without the empty line that ends
     *               the section; may be empty
     */
    public static Result repair(byte[] fields, HeaderRepairOptions options, Context context) {
        List<Field> list = parse(new String(fields, StandardCharsets.ISO_8859_1));
        List<String> repairs = new ArrayList<>();
        List<Field> added = new ArrayList<>();

        if (options.quoteDisplayName()) {
            boolean quoted = false;
            for (Field f : list) {
                if (f.is("from") || f.is("sender") || f.is("reply-to")) {
                    String v = quoteDisplayNames(f.value);
                    if (!v.equals(f.value)) {
                        f.value = v;
                        f.changed = true;
                        quoted = true;
                    }
                }
            }
            if (quoted) {
                repairs.add(QUOTE_DISPLAY_NAME);
            }
        }
        if (options.addDate() && !hasValue(list, "date")) {
            replaceOrAdd(list, added, "date", "Date: " + date(context.receivedAt()));
            repairs.add(ADD_DATE);
        }
        if (options.addMessageId() && !hasValue(list, "message-id")) {
            replaceOrAdd(list, added, "message-id", "Message-ID: " + context.messageId());
            repairs.add(ADD_MESSAGE_ID);
        }
        if (options.rewriteFrom()) {
            rewriteFrom(list, added, repairs, context.mailbox());
        }
        String messageId = messageIdOf(list, added);
        if (repairs.isEmpty()) {
            return new Result(fields, List.of(), messageId);
        }
        StringBuilder out = new StringBuilder(fields.length + 256);
        for (Field f : list) {
            out.append(crlf(f.text()));
        }
        for (Field f : added) {
            out.append(crlf(f.text()));
        }
        return new Result(out.toString().getBytes(StandardCharsets.ISO_8859_1), List.copyOf(repairs), messageId);
    }

    /**
     * The addresses in the {@code To:}, {@code Cc:} and {@code Bcc:} fields of a header section
     * (RFC 5322 section 3.6.3), in order, as written (display names, comments and group names
     * left out). For an upstream that takes its recipients from the header (Microsoft Graph).
     *
     * @param fields the header fields, as for {@link #repair}
     */
    public static List<String> recipients(byte[] fields) {
        return addresses(fields, "to", "cc", "bcc");
    }

    /**
     * The addresses in the fields of these names (lower case, e.g. {@code "from"}), in order, as
     * {@link #recipients} finds them.
     */
    public static List<String> addresses(byte[] fields, String... lowerNames) {
        List<String> out = new ArrayList<>();
        for (Field f : parse(new String(fields, StandardCharsets.ISO_8859_1))) {
            for (String name : lowerNames) {
                if (f.is(name)) {
                    out.addAll(addressList(f.value));
                }
            }
        }
        return out;
    }

    /**
     * The header section with {@code addresses} added as blind copies: appended to the first
     * {@code Bcc:} field if there is one (RFC 5322 allows one), otherwise in a new {@code Bcc:} at
     * the end, one address per line. Everything else stays byte for byte.
     *
     * @param fields the header fields, as for {@link #repair}
     */
    public static byte[] addBcc(byte[] fields, List<String> addresses) {
        if (addresses.isEmpty()) {
            return fields;
        }
        String list = String.join(",\r\n ", addresses);
        List<Field> parsed = parse(new String(fields, StandardCharsets.ISO_8859_1));
        StringBuilder out = new StringBuilder(fields.length + list.length() + 16);
        boolean done = false;
        for (Field f : parsed) {
            if (!done && f.is("bcc")) {
                f.value = f.value.isBlank() ? " " + list : f.value.stripTrailing() + ",\r\n " + list;
                f.changed = true;
                done = true;
            }
            out.append(f.changed ? crlf(f.text()) : f.text());
        }
        if (!parsed.isEmpty() && !out.toString().endsWith("\n")) {
            out.append("\r\n"); // a last field without its line end
        }
        if (!done) {
            out.append("Bcc: ").append(list).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The first non-empty Message-ID, unfolded and trimmed, as UTF-8 text where its bytes are UTF-8
     * (RFC 6532); capped, as it only goes into logs.
     */
    private static String messageIdOf(List<Field> list, List<Field> added) {
        return java.util.stream.Stream.concat(list.stream(), added.stream())
                .filter(f -> f.is("message-id") && !f.value.isBlank())
                .map(f -> asUtf8(f.value.replaceAll("[\\r\\n\\t ]+", " ").strip()))
                .map(v -> v.length() > 250 ? v.substring(0, 250) : v)
                .findFirst().orElse(null);
    }

    /** Field values hold one char per byte (ISO-8859-1); valid UTF-8 is decoded, anything else kept so. */
    private static String asUtf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return latin1;
        }
    }

    // ---- rewrite-from ----

    private static void rewriteFrom(List<Field> list, List<Field> added, List<String> repairs, String mailbox) {
        Field from = null;
        boolean rewritten = false;
        for (Field f : list) {
            if (f.is("from") || f.is("sender")) {
                String v = rewriteAddress(f.value, mailbox);
                if (!v.equals(f.value)) {
                    if (from == null && f.is("from")) {
                        from = new Field("Reply-To", f.value, "\r\n"); // the original, before the rewrite
                    }
                    f.value = v;
                    f.changed = true;
                    rewritten = true;
                }
            }
        }
        if (list.stream().noneMatch(f -> f.is("from"))) {
            added.add(new Field("From", " " + mailbox, "\r\n"));
            rewritten = true;
        }
        if (rewritten) {
            repairs.add(REWRITE_FROM);
        }
        if (from != null && !addresses(from.value).isEmpty() && list.stream().noneMatch(f -> f.is("reply-to"))) {
            added.add(from);
            repairs.add(ADD_REPLY_TO);
        }
    }

    /** The value with every address replaced by the mailbox, keeping the (first) display name; unchanged if already so. */
    static String rewriteAddress(String value, String mailbox) {
        List<String> addresses = addresses(value);
        if (!addresses.isEmpty() && addresses.stream().allMatch(a -> a.equalsIgnoreCase(mailbox))) {
            return value;
        }
        byte[] kind = lex(value);
        List<int[]> segments = mailboxes(value, kind);
        if (segments.size() == 1) {
            int[] seg = segments.get(0);
            int lt = topLevel(value, kind, seg[0], seg[1], '<');
            if (lt >= 0) {
                int gt = topLevel(value, kind, lt, seg[1], '>');
                if (gt > lt) {
                    return value.substring(0, lt + 1) + mailbox + value.substring(gt);
                }
            } else if (!isGroup(value, kind, seg[0], seg[1])) {
                // addr-spec form, maybe with comments: replace the address, keep the comments around it
                int first = -1;
                int last = -1;
                for (int i = seg[0]; i < seg[1]; i++) {
                    if (kind[i] == PLAIN && !isWsp(value.charAt(i))) {
                        if (first < 0) {
                            first = i;
                        }
                        last = i;
                    }
                }
                if (first >= 0) {
                    return value.substring(0, first) + mailbox + value.substring(last + 1);
                }
            }
        }
        return " " + mailbox; // several mailboxes, a group, or nothing usable
    }

    /** The addresses in an address list (angle-addr contents, or addr-specs), comments and white space removed. */
    static List<String> addresses(String value) {
        byte[] kind = lex(value);
        List<String> out = new ArrayList<>();
        for (int[] seg : mailboxes(value, kind)) {
            int lt = topLevel(value, kind, seg[0], seg[1], '<');
            int from = seg[0];
            int to = seg[1];
            if (lt >= 0) {
                int gt = topLevel(value, kind, lt, seg[1], '>');
                from = lt + 1;
                to = gt > lt ? gt : seg[1];
            } else if (isGroup(value, kind, seg[0], seg[1])) {
                continue;
            }
            StringBuilder a = new StringBuilder();
            for (int i = from; i < to; i++) {
                char c = value.charAt(i);
                if (kind[i] != COMMENT && !isWsp(c)) {
                    a.append(c);
                }
            }
            if (a.length() > 0) {
                out.add(a.toString());
            }
        }
        return out;
    }

    /**
     * The addresses of an address-list (RFC 5322 section 3.4): split at every comma outside
     * quotes, comments and angle brackets, group names and their ";" dropped; a part without an
     * "@" (a stray unquoted word) is no address.
     */
    static List<String> addressList(String value) {
        byte[] kind = lex(value);
        List<String> out = new ArrayList<>();
        int start = 0;
        boolean inAngle = false;
        for (int i = 0; i <= value.length(); i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            if (i < value.length() && kind[i] != PLAIN) {
                continue;
            }
            if (c == '<') {
                inAngle = true;
            } else if (c == '>') {
                inAngle = false;
            } else if (!inAngle && (c == ',' || c == ';' || c == ':')) {
                if (c != ':') { // "group-name:" starts a group; what came before it is its name
                    addresses(value.substring(start, i)).stream().filter(a -> a.indexOf('@') > 0).forEach(out::add);
                }
                start = i + 1;
            }
        }
        return out;
    }

    // ---- quote-display-name ----

    /** The value with each display name that holds an unquoted '@' quoted; the same string if none does. */
    static String quoteDisplayNames(String value) {
        byte[] kind = lex(value);
        StringBuilder out = new StringBuilder(value.length() + 8);
        int done = 0;
        for (int[] seg : mailboxes(value, kind)) {
            int lt = topLevel(value, kind, seg[0], seg[1], '<');
            if (lt < 0 || isGroup(value, kind, seg[0], lt)) {
                continue;
            }
            boolean at = false;
            for (int i = seg[0]; i < lt; i++) {
                at |= kind[i] == PLAIN && value.charAt(i) == '@';
            }
            if (at) {
                out.append(value, done, seg[0]).append(quotePhrase(value, kind, seg[0], lt));
                done = lt;
            }
        }
        if (done == 0) {
            return value;
        }
        return out.append(value, done, value.length()).toString();
    }

    /**
     * Quotes the runs of plain words in {@code value[from, to)} that contain an '@'; quoted-strings,
     * comments, encoded-words and the white space at either end stay outside the quotes.
     */
    private static String quotePhrase(String value, byte[] kind, int from, int to) {
        StringBuilder out = new StringBuilder();
        int runStart = -1; // first plain word of the current run
        int runEnd = -1;   // end of its last plain word
        int i = from;
        while (i < to) {
            int j = i + 1;
            if (kind[i] == PLAIN && isWsp(value.charAt(i))) {
                while (j < to && kind[j] == PLAIN && isWsp(value.charAt(j))) {
                    j++;
                }
                if (runStart < 0) {
                    out.append(value, i, j);
                }
                // inside a run, white space joins the run only if another plain word follows
            } else if (kind[i] == PLAIN) {
                while (j < to && kind[j] == PLAIN && !isWsp(value.charAt(j))) {
                    j++;
                }
                if (ENCODED_WORD.matcher(value.substring(i, j)).matches()) {
                    runStart = flushRun(out, value, runStart, runEnd, i);
                    out.append(value, i, j);
                } else {
                    if (runStart < 0) {
                        runStart = i;
                    }
                    runEnd = j;
                }
            } else {
                while (j < to && kind[j] == kind[i]) {
                    j++; // a quoted-string or comment (or several in a row): kept as it is
                }
                runStart = flushRun(out, value, runStart, runEnd, i);
                out.append(value, i, j);
            }
            i = j;
        }
        flushRun(out, value, runStart, runEnd, to);
        return out.toString();
    }

    /**
     * Appends the pending run (quoted if it holds an '@') and the white space between its end and
     * {@code next}; returns -1 (no run).
     */
    private static int flushRun(StringBuilder out, String value, int runStart, int runEnd, int next) {
        if (runStart >= 0) {
            String run = value.substring(runStart, runEnd);
            if (run.indexOf('@') >= 0) {
                out.append('"').append(run.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                out.append(run);
            }
            out.append(value, runEnd, next);
        }
        return -1;
    }

    // ---- lexing ----

    /** For each char: inside a quoted-string (quotes included), a comment (parentheses included), or plain. */
    static byte[] lex(String v) {
        byte[] kind = new byte[v.length()];
        int n = v.length();
        int i = 0;
        while (i < n) {
            char c = v.charAt(i);
            int start = i;
            if (c == '"') {
                i++;
                while (i < n && v.charAt(i) != '"') {
                    i += v.charAt(i) == '\\' && i + 1 < n ? 2 : 1;
                }
                i = Math.min(i + 1, n);
                java.util.Arrays.fill(kind, start, i, QUOTED);
            } else if (c == '(') {
                int depth = 1;
                i++;
                while (i < n && depth > 0) {
                    char d = v.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                    }
                    i++;
                }
                java.util.Arrays.fill(kind, start, i, COMMENT);
            } else {
                i++;
            }
        }
        return kind;
    }

    /**
     * The mailboxes of an address list as [start, end) ranges. With at most one angle-addr the
     * whole value is one mailbox (so an unquoted comma in a display name does not split it);
     * otherwise it is split at commas outside quotes, comments and angle brackets.
     */
    private static List<int[]> mailboxes(String value, byte[] kind) {
        int angles = 0;
        for (int i = 0; i < value.length(); i++) {
            angles += kind[i] == PLAIN && value.charAt(i) == '<' ? 1 : 0;
        }
        List<int[]> out = new ArrayList<>();
        if (angles <= 1) {
            out.add(new int[] {0, value.length()});
            return out;
        }
        int start = 0;
        boolean inAngle = false;
        for (int i = 0; i < value.length(); i++) {
            if (kind[i] != PLAIN) {
                continue;
            }
            char c = value.charAt(i);
            if (c == '<') {
                inAngle = true;
            } else if (c == '>') {
                inAngle = false;
            } else if (!inAngle && (c == ',' || c == ';')) {
                out.add(new int[] {start, i});
                start = i + 1;
            }
        }
        out.add(new int[] {start, value.length()});
        return out;
    }

    /** The first {@code c} outside quotes and comments in [from, to), or -1. */
    private static int topLevel(String value, byte[] kind, int from, int to, char c) {
        for (int i = from; i < to; i++) {
            if (kind[i] == PLAIN && value.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** Whether [from, to) holds a group's "name:" (a top-level colon). */
    private static boolean isGroup(String value, byte[] kind, int from, int to) {
        return topLevel(value, kind, from, to, ':') >= 0;
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    // ---- fields ----

    /** One header field: its name, the raw value after the colon (folding kept), its final line end. */
    private static final class Field {
        final String name;
        final String lowerName;
        final String raw;
        String value;
        final String eol;
        boolean changed;

        Field(String raw) {
            String body = raw;
            String end = "";
            if (body.endsWith("\r\n")) {
                end = "\r\n";
            } else if (body.endsWith("\n")) {
                end = "\n";
            }
            body = body.substring(0, body.length() - end.length());
            int colon = body.indexOf(':');
            this.raw = raw;
            this.name = colon < 0 ? "" : body.substring(0, colon).strip();
            this.lowerName = name.toLowerCase(Locale.ROOT);
            this.value = colon < 0 ? body : body.substring(colon + 1);
            this.eol = end;
        }

        Field(String name, String value, String eol) {
            this.name = name;
            this.lowerName = name.toLowerCase(Locale.ROOT);
            this.raw = null;
            this.value = value;
            this.eol = eol;
            this.changed = true;
        }

        boolean is(String lower) {
            return lowerName.equals(lower);
        }

        String text() {
            if (!changed) {
                return raw;
            }
            if (raw == null) {
                return name + ":" + value + eol;
            }
            // keep the name exactly as written (case, any space before the colon)
            return raw.substring(0, raw.indexOf(':') + 1) + value + eol;
        }
    }

    /** Splits the section into fields: a line that starts with a space or tab continues the previous field. */
    private static List<Field> parse(String section) {
        List<Field> out = new ArrayList<>();
        int start = 0;
        int pos = 0;
        int n = section.length();
        while (pos < n) {
            int lf = section.indexOf('\n', pos);
            int next = lf < 0 ? n : lf + 1;
            if (next < n && (section.charAt(next) == ' ' || section.charAt(next) == '\t')) {
                pos = next; // folded: the field goes on
                continue;
            }
            out.add(new Field(section.substring(start, next)));
            start = next;
            pos = next;
        }
        return out;
    }

    private static boolean hasValue(List<Field> list, String lowerName) {
        return list.stream().anyMatch(f -> f.is(lowerName) && !f.value.isBlank());
    }

    /** Replaces the first empty field of that name in place, or adds the field at the end. */
    private static void replaceOrAdd(List<Field> list, List<Field> added, String lowerName, String field) {
        int colon = field.indexOf(':');
        Field f = new Field(field.substring(0, colon), field.substring(colon + 1), "\r\n");
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).is(lowerName)) {
                list.set(i, f);
                return;
            }
        }
        added.add(f);
    }

    /** Every line end CRLF; a missing final line end added. */
    private static String crlf(String text) {
        StringBuilder out = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
                out.append('\r');
            }
            out.append(c);
        }
        if (out.length() == 0 || out.charAt(out.length() - 1) != '\n') {
            out.append("\r\n");
        }
        return out.toString();
    }
}

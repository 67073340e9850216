package dev.oauthrelay.smtp;

import java.util.regex.Pattern;

/**
 * Recognises command lines that are not SMTP at all: HTTP request lines and header fields. A
 * browser or proxy pointed at the relay (or a web page making one do a cross-protocol POST,
 * whose body could carry SMTP commands) sends such lines; no SMTP command looks like one, so the
 * session closes the connection instead of answering each line with a 500.
 */
public final class ForeignProtocol {

    /**
     * An HTTP request line (RFC 9112 section 3): a well-known method and a target, optionally the
     * version; or any token and target followed by an HTTP version. Methods are case-sensitive
     * (RFC 9110 section 9.1). "PRI * HTTP/2.0" starts the HTTP/2 connection preface (RFC 9113).
     */
    private static final Pattern REQUEST_LINE = Pattern.compile(
            "(?:GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH|PRI) \\S+(?: HTTP/\\d(?:\\.\\d)?)?"
                    + "|[!-~]+ \\S+ HTTP/\\d(?:\\.\\d)?");

    /** A header field, "Name: value" (RFC 9110 section 5, RFC 5322 section 2.2). */
    private static final Pattern HEADER_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9-]*:.*");

    private ForeignProtocol() {
    }

    /** Whether {@code line} (without its line ending), which is not a known SMTP command, is HTTP or a header. */
    public static boolean matches(String line) {
        return REQUEST_LINE.matcher(line).matches() || HEADER_FIELD.matcher(line).matches();
    }
}

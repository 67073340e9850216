package dev.oauthrelay.smtp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the arguments of MAIL and RCPT (RFC 5321 section 4.1.2). Accepts the forms legacy
 * devices send besides the standard {@code FROM:<a@b>}: a space after the colon
 * ({@code FROM: <a@b>}), a missing pair of angle brackets ({@code FROM:a@b}), lower case, and a
 * source route ({@code <@relay:a@b>}, which RFC 5321 section 4.1.1.3 says to accept and ignore).
 */
public final class PathParser {

    /** RFC 5321 section 4.5.3.1.3: a path is at most 256 octets including the brackets. */
    private static final int MAX_PATH = 256;

    private PathParser() {
    }

    public static PathArgument parseMail(String argument) throws SmtpSyntaxException {
        return parse(argument, "FROM", true, Replies.BAD_SENDER_ADDRESS);
    }

    public static PathArgument parseRcpt(String argument) throws SmtpSyntaxException {
        return parse(argument, "TO", false, Replies.BAD_RECIPIENT_ADDRESS);
    }

    private static PathArgument parse(String argument, String keyword, boolean nullAllowed, SmtpReply badAddress)
            throws SmtpSyntaxException {
        String rest = expectKeyword(argument, keyword);
        String path;
        String params;
        if (rest.startsWith("<")) {
            int close = closingBracket(rest);
            if (close < 0) {
                throw new SmtpSyntaxException(badAddress.withText("Missing closing '>' in address"));
            }
            path = rest.substring(1, close);
            params = rest.substring(close + 1);
            if (!params.isEmpty() && params.charAt(0) != ' ' && params.charAt(0) != '\t') {
                throw new SmtpSyntaxException(Replies.SYNTAX);
            }
            if (path.isEmpty() && !nullAllowed) {
                throw new SmtpSyntaxException(badAddress.withText("Empty recipient address"));
            }
        } else {
            // Unbracketed: some printers send "MAIL FROM:scanner@example.com". The address then
            // runs to the first white space.
            int space = indexOfSpace(rest);
            path = space < 0 ? rest : rest.substring(0, space);
            params = space < 0 ? "" : rest.substring(space);
            if (path.isEmpty()) {
                throw new SmtpSyntaxException(badAddress.withText("Missing address"));
            }
        }
        if (path.getBytes(StandardCharsets.UTF_8).length + 2 > MAX_PATH) {
            throw new SmtpSyntaxException(badAddress.withText("Address too long"));
        }
        String address = stripSourceRoute(path);
        if (address.isEmpty() && !path.isEmpty()) {
            // A source route with nothing after it ("<@relay:>") is neither a mailbox nor the null path.
            throw new SmtpSyntaxException(badAddress);
        }
        if (!address.isEmpty() && !Addresses.isValid(address)
                && !(!nullAllowed && address.equalsIgnoreCase("postmaster"))) {
            throw new SmtpSyntaxException(badAddress);
        }
        return new PathArgument(address, parseParameters(params));
    }

    private static String expectKeyword(String argument, String keyword) throws SmtpSyntaxException {
        int colon = argument.indexOf(':');
        if (colon < 0 || !argument.substring(0, colon).trim().toUpperCase(Locale.ROOT).equals(keyword)) {
            throw new SmtpSyntaxException(Replies.SYNTAX.withText("Syntax: " + (keyword.equals("FROM")
                    ? "MAIL FROM:<address>" : "RCPT TO:<address>")));
        }
        return argument.substring(colon + 1).stripLeading();
    }

    /** Index of the '>' that closes the path, skipping quoted local parts such as {@code "a>b"@c}. */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static String stripSourceRoute(String path) {
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            return colon < 0 ? path : path.substring(colon + 1);
        }
        return path;
    }

    /** RFC 5321 section 4.1.2: esmtp-keyword ["=" esmtp-value], separated by spaces. */
    private static Map<String, String> parseParameters(String params) throws SmtpSyntaxException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String token : params.trim().split("[ \t]+")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String rawKey = eq < 0 ? token : token.substring(0, eq);
            String key = rawKey.toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : token.substring(eq + 1);
            // Checked before upper-casing: "ſ".toUpperCase() is "S", but esmtp-keyword is ASCII.
            if (!rawKey.matches("[A-Za-z0-9][A-Za-z0-9-]*") || (eq >= 0 && (value.isEmpty() || value.indexOf('=') >= 0))) {
                throw new SmtpSyntaxException(Replies.SYNTAX.withText("Malformed parameter"));
            }
            if (out.putIfAbsent(key, value) != null) {
                throw new SmtpSyntaxException(Replies.SYNTAX.withText("Duplicate parameter " + key));
            }
        }
        return out;
    }
}

package dev.oauthrelay.smtp;

import java.nio.charset.StandardCharsets;

/**
 * Mailbox syntax of RFC 5321 section 4.1.2, extended to UTF-8 by RFC 6531 section 3.3: a
 * dot-atom or quoted-string local part, then a domain of dot-separated labels or an address
 * literal in brackets.
 */
public final class Addresses {

    /** RFC 5321 section 4.5.3.1.1, in octets (UTF-8 for RFC 6531 addresses). */
    private static final int MAX_LOCAL_PART = 64;
    /** RFC 5321 section 4.5.3.1.2. */
    private static final int MAX_DOMAIN = 255;

    private Addresses() {
    }

    public static boolean isValid(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        return local.getBytes(StandardCharsets.UTF_8).length <= MAX_LOCAL_PART && domain.length() <= MAX_DOMAIN
                && (isDotAtom(local) || isQuotedString(local)) && isDomain(domain);
    }

    private static boolean isDotAtom(String s) {
        if (s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        return s.chars().allMatch(c -> c == '.' || isAtext(c));
    }

    /** RFC 5322 atext, plus any non-ASCII character (RFC 6531 section 3.3, UTF8-non-ascii). */
    private static boolean isAtext(int c) {
        return c >= 0x80 || Character.isLetterOrDigit(c) && c < 0x80 || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static boolean isQuotedString(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= s.length() - 1) {
                    return false;
                }
            } else if (c == '"' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDomain(String d) {
        if (d.startsWith("[") && d.endsWith("]")) {
            String literal = d.substring(1, d.length() - 1);
            return !literal.isEmpty() && literal.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '[' && c != ']' && c != '\\');
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            if (!label.chars().allMatch(c -> c >= 0x80 || c < 0x80 && Character.isLetterOrDigit(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }
}

package dev.oauthrelay.smtp;

import java.util.Map;

/**
 * The argument of MAIL FROM or RCPT TO: the address (without angle brackets; empty for the null
 * reverse-path {@code <>}) and the ESMTP parameters, keys upper-cased, in the order sent
 * (RFC 5321 section 4.1.2). A parameter without a value maps to the empty string.
 */
public record PathArgument(String address, Map<String, String> parameters) {
    public PathArgument {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }

    public boolean isNullPath() {
        return address.isEmpty();
    }

    public boolean isAscii() {
        return address.chars().allMatch(c -> c < 0x80);
    }
}

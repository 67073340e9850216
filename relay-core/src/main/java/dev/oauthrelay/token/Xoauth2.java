package dev.oauthrelay.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL XOAUTH2 initial client response used by Exchange Online and Gmail:
 * {@code base64("user=" user "\x01auth=Bearer " token "\x01\x01")}, sent on the same line as
 * {@code AUTH XOAUTH2}.
 */
public final class Xoauth2 {

    private Xoauth2() {
    }

    public static String initialResponse(String user, AccessToken token) {
        if (user.indexOf('\u0001') >= 0) {
            throw new IllegalArgumentException("user must not contain ^A");
        }
        String raw = "user=" + user + "\u0001auth=Bearer " + token.value() + "\u0001\u0001";
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.oauthrelay.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt hashes for device passwords (the passwords legacy devices send with SMTP AUTH).
 *
 * <p>Passwords are encoded as UTF-8, the same as htpasswd, PHP and Python bcrypt, so hashes made by
 * those tools verify here. bcrypt only uses the first 72 bytes of a password; Bouncy Castle
 * silently truncates longer input, so two long passwords with a common 72-byte prefix would be
 * interchangeable. We therefore refuse to hash such a password and never accept one at verify time.
 */
public final class PasswordHasher {

    /**
     * Default work factor. Each step doubles the cost; 10 takes roughly 50-100 ms per check on a small
     * server (single vCPU VPS, Raspberry Pi class), slow enough to make offline guessing expensive and
     * fast enough for devices that authenticate on every message. Checks must run off the Netty I/O
     * threads so that a burst of logins cannot stall other connections.
     */
    public static final int DEFAULT_COST = 10;

    /** bcrypt's input limit in bytes. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private static final int MIN_COST = 4;
    private static final int MAX_COST = 31;

    /** $2a$, $2b$ and $2y$ are the same algorithm for UTF-8 input; $2x$ (a buggy variant) is refused. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    /**
     * A cost-{@value #DEFAULT_COST} hash of a throwaway password, checked when the user name is
     * unknown so that the response time does not reveal which accounts exist.
     */
    static final String DUMMY_HASH = "$2y$10$HBgy1yg/tFCr5MvRkFGCHOB0C6deUdlj4CLKRn0tMtlH.g.jG.nw.";
    static final byte[] DUMMY_PASSWORD = "dummy-password-for-timing".getBytes(StandardCharsets.UTF_8);

    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHasher() {}

    /** Hashes with {@link #DEFAULT_COST}. */
    public static String hash(char[] password) {
        return hash(password, DEFAULT_COST);
    }

    /**
     * Returns a {@code $2y$} bcrypt hash with a fresh random salt.
     *
     * @throws IllegalArgumentException if the cost is outside 4..31, or the password is not valid
     *     UTF-16 or is longer than {@value #MAX_PASSWORD_BYTES} bytes in UTF-8
     */
    public static String hash(char[] password, int cost) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be " + MIN_COST + ".." + MAX_COST + ", got " + cost);
        }
        byte[] utf8 = utf8(password);
        if (utf8 == null) {
            throw new IllegalArgumentException("password contains invalid characters (unpaired surrogate)");
        }
        try {
            if (utf8.length > MAX_PASSWORD_BYTES) {
                throw new IllegalArgumentException(
                        "password is longer than " + MAX_PASSWORD_BYTES + " bytes in UTF-8, which bcrypt cannot use");
            }
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            return OpenBSDBCrypt.generate("2y", utf8, salt, cost);
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    /**
     * Checks a password against a {@code $2a$}, {@code $2b$} or {@code $2y$} hash. Returns false,
     * never throws, for a null or malformed hash.
     */
    public static boolean verify(String hash, char[] password) {
        if (hash == null || password == null || !BCRYPT.matcher(hash).matches()) {
            return false;
        }
        byte[] utf8 = utf8(password);
        if (utf8 == null) {
            return false;
        }
        try {
            // For an over-long password still do the full check (Bouncy Castle truncates to 72 bytes)
            // so it costs the same time, then refuse it.
            boolean matches = OpenBSDBCrypt.checkPassword(hash, utf8);
            return matches && utf8.length <= MAX_PASSWORD_BYTES;
        } catch (RuntimeException e) {
            return false; // e.g. an invalid salt character the pattern cannot rule out
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    /** The work factor of a bcrypt hash, or -1 if it is not one this class accepts. */
    public static int cost(String hash) {
        if (hash == null || !BCRYPT.matcher(hash).matches()) {
            return -1;
        }
        return Integer.parseInt(hash.substring(4, 6));
    }

    /**
     * A hash of a random password nobody knows, at {@code cost}: checking a password against it
     * takes as long as checking one against a real hash of that cost, and never succeeds.
     */
    public static String unguessableHash(int cost) {
        char[] random = new char[24];
        for (int i = 0; i < random.length; i++) {
            random[i] = (char) ('a' + RANDOM.nextInt(26));
        }
        try {
            return hash(random, cost);
        } finally {
            Arrays.fill(random, '\0');
        }
    }

    /**
     * Spends the time of one default-cost check. Call it when the user name is unknown so that an
     * unknown user and a wrong password take equally long (no user enumeration by timing).
     */
    public static void burnEquivalentTime() {
        OpenBSDBCrypt.checkPassword(DUMMY_HASH, DUMMY_PASSWORD.clone());
    }

    /** Strict UTF-8 encoding; null if the input has unpaired surrogates. */
    private static byte[] utf8(char[] password) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buf;
        try {
            buf = encoder.encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            return null;
        }
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        if (buf.hasArray()) {
            Arrays.fill(buf.array(), (byte) 0);
        }
        return out;
    }
}

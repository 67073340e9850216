package dev.oauthrelay.server.oauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit AES key that encrypts signed-in users' refresh tokens at rest: base64 text, from
 * {@code relay.sign-in.key-file} (a file only the relay's user may read, as ssh insists for its
 * keys) or from {@code relay.sign-in.key} (set it from the environment, {@code RELAY_SIGN_IN_KEY}).
 * Keeping the key apart from the data directory means a copy of the data directory (a backup, a
 * volume snapshot) does not hand out the refresh tokens. {@link #toString()} never shows the key.
 */
public final class SignInKey {

    private static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SecretKey key;
    private final String origin;

    private SignInKey(byte[] bytes, String origin) {
        this.key = new SecretKeySpec(bytes, "AES");
        this.origin = origin;
        Arrays.fill(bytes, (byte) 0);
    }

    /** From base64 text (the environment variable); the message never echoes the text. */
    public static SignInKey fromText(String base64, String origin) {
        return new SignInKey(decode(base64.strip(), origin), origin);
    }

    /**
     * From a key file, which must be readable by its owner only.
     *
     * @throws IllegalArgumentException naming the file and what is wrong, never the key
     */
    public static SignInKey fromFile(Path file) {
        try {
            requireOwnerOnly(file);
            return new SignInKey(decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString()),
                    file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the sign-in key: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    /**
     * Creates {@code file} with a new random key, mode 0600; fails if it exists (a key is never
     * replaced: the tokens encrypted with it would be lost).
     */
    public static SignInKey create(Path file) throws IOException {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        String text = Base64.getEncoder().encodeToString(bytes) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = Files.getFileAttributeView(parent, PosixFileAttributeView.class) != null;
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return fromFile(file);
    }

    /**
     * Where the key is configured: a file, or the text itself (from the environment). Loaded when
     * first needed, so {@code relay login} can create the file and a relay without signed-in users
     * never reads it.
     */
    public record Source(java.util.Optional<Path> file, java.util.Optional<String> text) {
        public Source {
            if (file.isPresent() == text.isPresent()) {
                throw new IllegalArgumentException("exactly one of key-file and key");
            }
        }

        public SignInKey load() {
            return file.isPresent() ? fromFile(file.get()) : fromText(text.get(), "relay.sign-in.key");
        }

        /** As {@link #load()}, creating a missing key file first; says so through {@code created}. */
        public SignInKey loadOrCreate(java.util.function.Consumer<Path> created) throws IOException {
            if (file.isPresent() && !Files.exists(file.get())) {
                SignInKey key = create(file.get());
                created.accept(file.get());
                return key;
            }
            return load();
        }

        @Override
        public String toString() {
            return file.map(f -> "key-file " + f).orElse("key (from the configuration)");
        }
    }

    SecretKey secretKey() {
        return key;
    }

    /** Where the key came from (a file name or a setting), for messages. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "SignInKey[" + origin + "]";
    }

    static void requireOwnerOnly(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: nothing to check
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        if (perms.stream().anyMatch(others::contains)) {
            throw new IllegalArgumentException(file + " is readable by others (mode "
                    + PosixFilePermissions.toString(perms) + "): chmod 600 " + file);
        }
    }

    private static byte[] decode(String base64, String origin) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": the sign-in key is not base64 text"
                    + " (create one with: head -c 32 /dev/urandom | base64)");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(origin + ": the sign-in key must be 32 bytes (256 bits), base64"
                    + " encoded; it has " + bytes.length + " (create one with: head -c 32 /dev/urandom | base64)");
        }
        return bytes;
    }
}

package dev.oauthrelay.server.oauth;

import dev.oauthrelay.server.json.Json;
import dev.oauthrelay.spool.DurableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * One signed-in user's session at rest: MSAL's token cache (which holds the refresh token), who
 * signed in, and when the refresh token was last used. Encrypted with AES-256-GCM under the
 * {@link SignInKey}; the account name, tenant and client id are bound in as associated data, so a
 * file copied to another account, or edited, does not decrypt. Written durably (temp file, fsync,
 * rename, directory sync), readable by the relay's user only.
 */
public final class TokenStore {

    static final String FORMAT = "oauth-smtp-relay-sign-in/1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /**
     * What is stored.
     *
     * @param msalCache       MSAL4J's serialized token cache (access, refresh and id tokens)
     * @param username        who signed in (the id token's preferred_username)
     * @param signedInAt      when {@code relay login} completed
     * @param lastRefreshedAt when the refresh token was last redeemed (Entra expires it 90 days later
     *                        if it is not used again)
     */
    public record Session(String msalCache, String username, Instant signedInAt, Instant lastRefreshedAt) {
        @Override
        public String toString() {
            return "Session[username=" + username + ", signedInAt=" + signedInAt + ", lastRefreshedAt="
                    + lastRefreshedAt + "]";
        }
    }

    private final Path file;
    private final SignInKey key;
    private final byte[] associatedData;
    private final SecureRandom random = new SecureRandom();

    public TokenStore(Path file, SignInKey key, String account, String tenantId, String clientId) {
        this.file = file;
        this.key = key;
        this.associatedData = (FORMAT + "|" + account + "|" + tenantId + "|" + clientId).getBytes(StandardCharsets.UTF_8);
    }

    public Path file() {
        return file;
    }

    /**
     * The stored session; empty if nobody has signed in yet.
     *
     * @throws IOException if the file cannot be read, or does not decrypt with this key for this
     *     account (the message says which, never any content)
     */
    public Optional<Session> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Map<String, Object> envelope;
        try {
            envelope = Json.parseObject(bytes);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a sign-in file of this relay (not JSON)");
        }
        if (!FORMAT.equals(envelope.get("format"))) {
            throw new IOException(file + " is not a sign-in file of this relay (format " + envelope.get("format") + ")");
        }
        byte[] plain;
        try {
            byte[] nonce = Base64.getDecoder().decode(String.valueOf(envelope.get("nonce")));
            byte[] sealed = Base64.getDecoder().decode(String.valueOf(envelope.get("data")));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            plain = cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new IOException(file + " does not decrypt with the sign-in key from " + key.origin()
                    + ": another key, another account's file, or a damaged file; sign in again with relay login");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " cannot be decrypted: " + e.getClass().getSimpleName());
        }
        Map<String, Object> fields = Json.parseObject(plain);
        return Optional.of(new Session(String.valueOf(fields.get("msalCache")), String.valueOf(fields.get("username")),
                Instant.parse(String.valueOf(fields.get("signedInAt"))),
                Instant.parse(String.valueOf(fields.get("lastRefreshedAt")))));
    }

    /** Replaces the stored session (a crash leaves the old one or the new one). */
    public void write(Session session) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("msalCache", session.msalCache());
        fields.put("username", session.username());
        fields.put("signedInAt", session.signedInAt().toString());
        fields.put("lastRefreshedAt", session.lastRefreshedAt().toString());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce); // a fresh nonce per write: GCM must never reuse one under a key
        byte[] sealed;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            sealed = cipher.doFinal(Json.write(fields).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt the sign-in file: " + e.getClass().getSimpleName(), e);
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("format", FORMAT);
        envelope.put("nonce", Base64.getEncoder().encodeToString(nonce));
        envelope.put("data", Base64.getEncoder().encodeToString(sealed));
        Files.createDirectories(file.toAbsolutePath().getParent());
        DurableFile.replace(file, (Json.write(envelope) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The file's modification time, to notice a new sign-in written by {@code relay login}; empty if absent. */
    Optional<FileTime> modified() {
        try {
            return Optional.of(Files.getLastModifiedTime(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

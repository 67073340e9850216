package dev.oauthrelay.server.admin;

import dev.oauthrelay.server.config.AdminConfig;
import dev.oauthrelay.spool.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running relay leaves in its data directory for the {@code relay} command on the same
 * host, so that it can use the admin port without further setup:
 * <ul>
 *   <li>{@value #PORT_FILE}: the bound admin port (the configuration may say 0, any free port);</li>
 *   <li>{@value #TOKEN_FILE}, only while {@code relay.admin.token} is unset: a random token
 *       generated at each start and accepted like a configured one, readable by the relay's own
 *       user only. Whoever can read the data directory can read the spooled mail anyway, so is an
 *       operator.</li>
 * </ul>
 * Both are removed when the relay stops (after a crash they stay behind, stale: the next start
 * replaces them, and a stale token is accepted by nobody).
 */
public final class AdminAccessFiles implements AutoCloseable {

    public static final String TOKEN_FILE = "admin.token";
    public static final String PORT_FILE = "admin.port";

    private static final Logger log = LoggerFactory.getLogger(AdminAccessFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dataDir;
    private final AdminConfig config;

    private AdminAccessFiles(Path dataDir, AdminConfig config) {
        this.dataDir = dataDir;
        this.config = config;
    }

    /** The admin configuration to serve with: {@link #prepare}'s, with a token. */
    public AdminConfig config() {
        return config;
    }

    /**
     * Keeps a configured token (removing a token file of an earlier run), or generates one into
     * {@value #TOKEN_FILE}.
     */
    public static AdminAccessFiles prepare(AdminConfig config, Path dataDir) throws IOException {
        return new AdminAccessFiles(dataDir, withToken(config, dataDir));
    }

    /** Tells the CLI the port the admin server is bound to. */
    public void publishPort(int port) throws IOException {
        write(dataDir.resolve(PORT_FILE), port + "\n", new FileAttribute<?>[0]);
    }

    /** Removes both files: the relay stops serving the admin port. */
    @Override
    public void close() {
        for (String name : new String[] {PORT_FILE, TOKEN_FILE}) {
            try {
                Files.deleteIfExists(dataDir.resolve(name));
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", dataDir.resolve(name), e.toString());
            }
        }
    }

    private static AdminConfig withToken(AdminConfig config, Path dataDir) throws IOException {
        Path file = dataDir.resolve(TOKEN_FILE);
        if (config.token().isPresent()) {
            Files.deleteIfExists(file);
            return config;
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        write(file, token + "\n", OwnerOnly.file(dataDir));
        log.info("relay.admin.token is unset: the admin port accepts the token generated into {} (readable by"
                + " this user only) for this run", file.toAbsolutePath());
        return new AdminConfig(config.enabled(), config.address(), config.port(), Optional.of(token));
    }

    /** The token a running relay generated, if there is one. */
    public static Optional<String> readToken(Path dataDir) throws IOException {
        try {
            String token = Files.readString(dataDir.resolve(TOKEN_FILE), StandardCharsets.US_ASCII).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The admin port the relay last bound, if it wrote one. */
    public static OptionalInt readPort(Path dataDir) throws IOException {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(dataDir.resolve(PORT_FILE),
                    StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Written beside, then renamed over: a reader never sees half a file, and the mode is set from the start. */
    private static void write(Path file, String content, FileAttribute<?>[] attributes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.write(Files.createFile(tmp, attributes), content.getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.WRITE);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

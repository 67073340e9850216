package dev.oauthrelay.server.inventory;

import dev.oauthrelay.spool.DurableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <data-dir>/devices.json}: the inventory as {@link DevicesJson}, replaced atomically
 * (temp file, fsync, rename), so a reader (the CLI, while the relay runs) sees the old or the new
 * document, never a torn one. Readable by the relay's user only.
 */
public final class DevicesFile {

    public static final String NAME = "devices.json";

    private DevicesFile() {
    }

    public static Path in(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    /** Empty if the file does not exist; {@link IllegalArgumentException} if it is not an inventory. */
    public static Optional<DevicesJson.Document> read(Path file) throws IOException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(DevicesJson.read(json));
    }

    public static void write(Path file, DevicesJson.Document document) throws IOException {
        DurableFile.replace(file, DevicesJson.write(document).getBytes(StandardCharsets.UTF_8));
    }
}

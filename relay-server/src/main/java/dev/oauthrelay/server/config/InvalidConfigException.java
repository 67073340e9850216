package dev.oauthrelay.server.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The configuration cannot be used. Each problem names the full key path (for example
 * {@code relay.listeners[1].port}), says what is wrong and what is expected. The message lists
 * every problem found, one per line, so the user can fix them all in one pass.
 *
 * <p>Password hashes are never part of a problem. As a second line of defence, anything shaped
 * like a bcrypt hash is masked here, whatever produced the text (for example a Typesafe parse
 * error that quotes a line of the file).
 */
public final class InvalidConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{0,53}");

    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super(message(problems.stream().map(InvalidConfigException::redact).toList()));
        this.problems = problems.stream().map(InvalidConfigException::redact).toList();
    }

    public InvalidConfigException(String problem) {
        this(List.of(problem));
    }

    /** The individual problems, each starting with the key path it concerns. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.size() == 1) {
            return "invalid configuration: " + problems.get(0);
        }
        return "invalid configuration, " + problems.size() + " problems:\n  - " + String.join("\n  - ", problems);
    }

    static String redact(String text) {
        return BCRYPT.matcher(text).replaceAll("<password hash>");
    }
}

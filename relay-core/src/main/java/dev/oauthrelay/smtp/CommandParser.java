package dev.oauthrelay.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns one command line (without its line ending) into a {@link Command}. Tolerant of what
 * legacy devices send: lower-case verbs, several spaces or tabs between verb and argument,
 * trailing white space. Strict about what must never pass: NUL and other control characters, and
 * bytes that are not UTF-8 (RFC 6531 allows UTF-8 in addresses; nothing else is meaningful).
 */
public final class CommandParser {

    private CommandParser() {
    }

    public static Command parse(byte[] line) throws SmtpSyntaxException {
        String text = decode(line);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // RFC 5321 section 4.1.1: commands are printable text; a control character is either
            // an attack (NUL truncation, bare CR smuggling) or garbage.
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new SmtpSyntaxException(Replies.UNRECOGNIZED.withText("Invalid character in command"));
            }
        }
        String trimmed = stripTrailing(text);
        int end = 0;
        while (end < trimmed.length() && trimmed.charAt(end) != ' ' && trimmed.charAt(end) != '\t') {
            end++;
        }
        String word = trimmed.substring(0, end);
        int argStart = end;
        while (argStart < trimmed.length() && (trimmed.charAt(argStart) == ' ' || trimmed.charAt(argStart) == '\t')) {
            argStart++;
        }
        return new Command(Verb.lookup(word), trimmed.substring(argStart));
    }

    private static String decode(byte[] line) throws SmtpSyntaxException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SmtpSyntaxException(Replies.INVALID_UTF8);
        }
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }
}

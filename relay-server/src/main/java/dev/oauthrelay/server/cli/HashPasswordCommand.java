package dev.oauthrelay.server.cli;

import dev.oauthrelay.auth.PasswordHasher;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay hash-password}: reads a password on standard input (one line) and prints its
 * bcrypt hash for a device account's {@code password-hash}. The password is never an argument,
 * so it does not end up in shell history or the process list.
 */
@Command(name = "hash-password", description = "Read a password on stdin and print its bcrypt hash.")
final class HashPasswordCommand implements Callable<Integer> {

    @Option(names = "--cost", defaultValue = "10", description = "bcrypt cost factor (4-31, default ${DEFAULT-VALUE}).")
    int cost;

    @Override
    public Integer call() throws Exception {
        char[] password;
        Console console = System.console();
        if (console != null) {
            password = console.readPassword("Password: ");
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? null : line.toCharArray();
        }
        if (password == null || password.length == 0) {
            System.err.println("relay: no password given on standard input");
            return 1;
        }
        try {
            System.out.println(PasswordHasher.hash(password, cost));
        } catch (IllegalArgumentException e) {
            System.err.println("relay: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}

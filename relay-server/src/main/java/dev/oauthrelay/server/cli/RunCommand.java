package dev.oauthrelay.server.cli;

import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.config.ConfigLoader;
import dev.oauthrelay.server.config.InvalidConfigException;
import dev.oauthrelay.server.config.RelayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code relay run --config FILE}: runs the relay until it is stopped. */
@Command(name = "run", description = "Run the relay with a configuration file.")
final class RunCommand implements Callable<Integer> {

    /** Exit code for a configuration that does not validate. */
    static final int EXIT_BAD_CONFIG = 2;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (HOCON); keys not set fall back to the documented defaults.")
    Path config;

    @Override
    public Integer call() throws Exception {
        RelayConfig loaded = loadConfig(config);
        return loaded == null ? EXIT_BAD_CONFIG : runUntilStopped(loaded, null);
    }

    /**
     * The validated configuration from {@code config} (null: the defaults alone), or null after
     * telling the user on stderr why there is none; exit with {@link #EXIT_BAD_CONFIG} then.
     */
    static RelayConfig loadConfig(Path config) {
        if (config != null && !Files.isReadable(config)) {
            System.err.println("relay: cannot read configuration file " + config);
            return null;
        }
        try {
            return ConfigLoader.load(Optional.ofNullable(config));
        } catch (InvalidConfigException e) {
            // The message already starts with "invalid configuration".
            System.err.println("relay: " + e.getMessage());
            return null;
        }
    }

    /** Starts the relay, runs {@code afterStart} (may be null), and blocks until SIGTERM/SIGINT. */
    static int runUntilStopped(RelayConfig config, java.util.function.Consumer<Relay> afterStart) throws Exception {
        // The hook is in place before the listeners bind: a SIGTERM that arrives while the relay
        // is starting waits for the start to finish, then stops it in order (no half-started exit).
        java.util.concurrent.CompletableFuture<Relay> started = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.get(2, java.util.concurrent.TimeUnit.MINUTES).close();
            } catch (Exception notStarted) {
                // the start failed (and was reported) or never finished: nothing to stop
            }
            stopped.countDown();
        }, "relay-shutdown"));
        Relay relay;
        try {
            relay = Relay.start(config);
        } catch (Exception | Error e) {
            started.completeExceptionally(e);
            throw e;
        }
        started.complete(relay);
        if (afterStart != null) {
            afterStart.accept(relay);
        }
        stopped.await();
        return 0;
    }
}

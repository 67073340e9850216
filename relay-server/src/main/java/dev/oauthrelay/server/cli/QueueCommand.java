package dev.oauthrelay.server.cli;

import dev.oauthrelay.server.config.ConfigLoader;
import dev.oauthrelay.server.config.InvalidConfigException;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.queue.QueueJson;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code relay queue list | show ID | retry ID|--all | delete ID | release ID}: the queue of the
 * relay configured in {@code --config}, through its admin port (the running relay owns the
 * queue). When the relay is not running, {@code list} and {@code show} read the spool files
 * instead, and changes are refused: they need the relay that would otherwise be delivering.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "List, show, retry, delete or release queued and dead-lettered messages.",
        subcommands = {QueueCommand.ListMessages.class, QueueCommand.Show.class, QueueCommand.Retry.class,
            QueueCommand.Delete.class, QueueCommand.Release.class})
final class QueueCommand implements Runnable {

    /** The relay refused (no such message, not possible now, wrong token) or failed. */
    static final int EXIT_REFUSED = 1;
    /** A change was asked for but the relay is not running (or serves no admin port). */
    static final int EXIT_NOT_RUNNING = 3;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The relay's configuration file (as for `relay run`): where its admin port and data are.")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The configuration, or empty after saying why not (exit code {@link RunCommand#EXIT_BAD_CONFIG}). */
    Optional<RelayConfig> load() {
        if (config != null && !Files.isReadable(config)) {
            System.err.println("relay: cannot read configuration file " + config);
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigLoader.load(Optional.ofNullable(config)));
        } catch (InvalidConfigException e) {
            System.err.println("relay: " + e.getMessage());
            return Optional.empty();
        }
    }

    enum Format { table, json }

    /** list and show: from the running relay, else from the spool files. */
    abstract static class Reading implements Callable<Integer> {
        @ParentCommand
        QueueCommand queue;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--format", defaultValue = "table", description = "table (default) or json.")
        Format format;

        @Override
        public Integer call() throws Exception {
            Optional<RelayConfig> config = queue.load();
            if (config.isEmpty()) {
                return RunCommand.EXIT_BAD_CONFIG;
            }
            Path dataDir = config.get().dataDir();
            String json;
            try {
                AdminClient.Reply reply = new AdminClient(config.get().admin(), dataDir).send("GET", path());
                if (!reply.ok()) {
                    return refused(reply, null);
                }
                json = reply.body();
            } catch (AdminClient.NotReachable e) {
                System.err.println("relay: " + e.getMessage() + "; reading the spool in " + dataDir + " directly");
                Spool spool;
                try {
                    spool = Spool.openExisting(dataDir);
                } catch (NoSuchFileException none) {
                    System.err.println("relay: there is no spool in " + dataDir);
                    return EXIT_REFUSED;
                }
                Optional<Object> local = fromSpool(spool);
                if (local.isEmpty()) {
                    System.err.println("relay: no message " + target() + " in the queue, the dead-letter folder or"
                            + " quarantine");
                    return EXIT_REFUSED;
                }
                json = QueueJson.write(local.get());
            }
            print(json);
            return 0;
        }

        @SuppressWarnings("unchecked")
        private void print(String json) {
            if (format == Format.json) {
                System.out.println(json);
            } else {
                System.out.print(render((Map<String, Object>) QueueJson.parse(json), Instant.now()));
            }
        }

        abstract String path();

        abstract String target();

        abstract Optional<Object> fromSpool(Spool spool) throws IOException;

        abstract String render(Map<String, Object> json, Instant now);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Queued messages, then dead-lettered and damaged ones.")
    static final class ListMessages extends Reading {
        @Override
        String path() {
            return "/queue";
        }

        @Override
        String target() {
            return "";
        }

        @Override
        Optional<Object> fromSpool(Spool spool) throws IOException {
            return Optional.of(QueueJson.listing(spool.contents(), Map.of(), Instant.now(), "spool"));
        }

        @Override
        String render(Map<String, Object> json, Instant now) {
            return QueueOutput.table(json, now);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One message: envelope, delivery state per recipient, header section.")
    static final class Show extends Reading {
        @Parameters(paramLabel = "ID", description = "Queue id (from \"queued as ID\" or the list).")
        String id;

        @Override
        String path() {
            return "/queue/" + queueId(id, spec);
        }

        @Override
        String target() {
            return id;
        }

        @Override
        Optional<Object> fromSpool(Spool spool) throws IOException {
            return QueueJson.message(spool, queueId(id, spec), Map.of(), Instant.now()).map(m -> m);
        }

        @Override
        String render(Map<String, Object> json, Instant now) {
            return QueueOutput.details(json, now);
        }
    }

    /** retry, delete and release: only through the running relay. */
    abstract static class Change implements Callable<Integer> {
        @ParentCommand
        QueueCommand queue;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Optional<RelayConfig> config = queue.load();
            if (config.isEmpty()) {
                return RunCommand.EXIT_BAD_CONFIG;
            }
            AdminClient client = new AdminClient(config.get().admin(), config.get().dataDir());
            AdminClient.Reply reply;
            try {
                reply = client.send(method(), path());
            } catch (AdminClient.NotReachable e) {
                System.err.println("relay: " + e.getMessage() + ". Queue changes go through the running relay, which"
                        + " owns the queue: start it and try again.");
                return EXIT_NOT_RUNNING;
            }
            if (!reply.ok()) {
                return refused(reply, client);
            }
            System.out.println(message(reply));
            return 0;
        }

        abstract String method();

        abstract String path();
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Attempt a queued message now (or --all that are waiting).")
    static final class Retry extends Change {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "Queue id.")
        String id;

        @Option(names = "--all", description = "Every message waiting for its next attempt.")
        boolean all;

        @Override
        public Integer call() throws Exception {
            if (all == (id != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either a queue id or --all");
            }
            return super.call();
        }

        @Override
        String method() {
            return "POST";
        }

        @Override
        String path() {
            return all ? "/queue/retry-all" : "/queue/" + queueId(id, spec) + "/retry";
        }
    }

    /** A change of one message: {@code method /queue/<id><suffix>}. */
    abstract static class OneMessage extends Change {
        @Parameters(paramLabel = "ID", description = "Queue id.")
        String id;

        private final String method;
        private final String suffix;

        OneMessage(String method, String suffix) {
            this.method = method;
            this.suffix = suffix;
        }

        @Override
        String method() {
            return method;
        }

        @Override
        String path() {
            return "/queue/" + queueId(id, spec) + suffix;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a message for good (queue,"
            + " dead-letter folder or quarantine); during an attempt, once it ends.")
    static final class Delete extends OneMessage {
        Delete() {
            super("DELETE", "");
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Put a dead-lettered message back"
            + " into the queue: its failed recipients are tried again, those that have it are not.")
    static final class Release extends OneMessage {
        Release() {
            super("POST", "/release");
        }
    }

    /** A queue id argument; a usage error (exit code 2, picocli's) if it is not one. */
    static QueueId queueId(String text, CommandLine.Model.CommandSpec spec) {
        try {
            return QueueId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage()
                    + " (queue ids are 16 characters, as in \"queued as ID\" and `relay queue list`)");
        }
    }

    /** The relay answered, but not with success: say why on stderr. */
    private static int refused(AdminClient.Reply reply, AdminClient client) {
        if ((reply.status() == 401 || reply.status() == 403) && client != null) {
            System.err.println("relay: " + client.tokenAdvice());
        } else {
            System.err.println("relay: " + message(reply));
        }
        return EXIT_REFUSED;
    }

    /** The "message" of a JSON answer, or the text answer itself. */
    private static String message(AdminClient.Reply reply) {
        try {
            if (QueueJson.parse(reply.body()) instanceof Map<?, ?> m && m.get("message") != null) {
                return m.get("message").toString();
            }
        } catch (IllegalArgumentException notJson) {
            // a text answer
        }
        return reply.body().strip();
    }
}

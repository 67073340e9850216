package dev.oauthrelay.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code relay} command line: run, demo, check, send-test, hash-password, devices and queue. */
@Command(name = "relay", mixinStandardHelpOptions = true, version = "OAuth SMTP Relay 0.1.0",
        description = "SMTP relay for devices that cannot do OAuth: accepts mail on the LAN and "
                + "submits it to Exchange Online.",
        subcommands = {RunCommand.class, DemoCommand.class, CheckCommand.class, SendTestCommand.class,
                LoginCommand.class, HashPasswordCommand.class, DevicesCommand.class, QueueCommand.class})
public final class RelayCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return new CommandLine(new RelayCli()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

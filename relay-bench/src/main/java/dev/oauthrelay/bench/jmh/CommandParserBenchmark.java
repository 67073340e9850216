package dev.oauthrelay.bench.jmh;

import dev.oauthrelay.smtp.Command;
import dev.oauthrelay.smtp.CommandParser;
import dev.oauthrelay.smtp.SmtpSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link CommandParser#parse}: one command line of a typical transaction (without its CRLF, as the framer hands it over). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CommandParserBenchmark {

    @Param({"EHLO printer.contoso.local", "MAIL FROM:<scanner@contoso.com> SIZE=102400 BODY=8BITMIME",
            "RCPT TO:<alice@fabrikam.example>", "DATA"})
    public String line;

    private byte[] bytes;

    @Setup
    public void setUp() {
        bytes = line.getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public Command parse() throws SmtpSyntaxException {
        return CommandParser.parse(bytes);
    }
}

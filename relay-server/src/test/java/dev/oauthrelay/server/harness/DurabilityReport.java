package dev.oauthrelay.server.harness;

import dev.oauthrelay.crash.CrashPoint;
import dev.oauthrelay.server.e2e.QueuedMessages;
import dev.oauthrelay.server.e2e.RelayProcess;
import dev.oauthrelay.server.harness.DurabilityHarness.CycleResult;
import dev.oauthrelay.server.harness.DurabilityHarness.Drain;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandInExchange.Stage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The harness's accounting, from what the clients recorded ({@link Ledger}) and what the Exchange
 * stand-in received (each copy's Message-ID, recipients and bytes), per recipient:
 * <ul>
 *   <li><b>lost</b>: acknowledged with {@code 250}, but some recipient never received a copy (and
 *       the message is not in the dead-letter folder). Must be 0.</li>
 *   <li><b>delivered but never acknowledged</b>: the relay had committed the message but the
 *       client never read the {@code 250} (the relay died in between); attributed to what ended
 *       the relay process in the cycle the client sent it in.</li>
 *   <li><b>duplicates</b>: every copy for a recipient after the first. Each is attributed to the
 *       copy before it: if the stand-in took that copy but dropped the connection instead of
 *       answering the final dot ({@code answered == false}), the relay could not know and retried
 *       (RFC 5321 section 6.1 prefers a duplicate to a loss); if the stand-in did answer {@code 250},
 *       the relay must have died before recording the delivery, so the cause is what ended the relay
 *       process in the cycle that copy arrived in (copies are assigned to cycles by the stand-in's
 *       arrival numbers, snapshotted before each start, while no relay runs). An answered copy followed by another copy
 *       with no kill in between is <b>unexplained</b>: a relay bug.</li>
 *   <li><b>corrupted</b>: a copy whose bytes (after the relay's Received header) differ from what
 *       the client sent, or that went out as another mailbox or to a recipient not in the
 *       envelope. Must be 0.</li>
 * </ul>
 */
public final class DurabilityReport {

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID: <([^>\\r\\n]+)>\\r?$");
    static final String DROP_CAUSE = "connection dropped after the final dot (stand-in fault), so the relay retried";
    static final String UNEXPLAINED = "UNEXPLAINED: an answered copy sent again without a kill in between";

    private final long seed;
    private final int cycles;
    private final int clients;
    private final Ledger ledger;
    private final List<CycleResult> results;
    private final Drain drain;
    private final long clientErrors;
    private final Duration elapsed;

    private int upstreamCopies;
    private int unknownCopies;
    private int unansweredCopies;
    private final List<String> corrupted = new ArrayList<>();
    private final List<String> lost = new ArrayList<>();
    private final List<String> partial = new ArrayList<>();
    private int delivered;
    private int deliveredAcknowledged;
    private int neitherAcknowledgedNorDelivered;
    private int deadLettered;
    private final Map<String, Integer> unacknowledgedDeliveredByCause = new TreeMap<>();
    private final Map<String, Integer> duplicatesByCause = new TreeMap<>();
    private final StringBuilder csv = new StringBuilder(
            "copy,message_id,queue_id,acknowledged,answered,cycle,cycle_ended_by,recipients\n");
    private int duplicateMessages;

    private DurabilityReport(long seed, int cycles, int clients, Ledger ledger, List<CycleResult> results, Drain drain,
                             long clientErrors, Duration elapsed) {
        this.seed = seed;
        this.cycles = cycles;
        this.clients = clients;
        this.ledger = ledger;
        this.results = results;
        this.drain = drain;
        this.clientErrors = clientErrors;
        this.elapsed = elapsed;
    }

    static DurabilityReport compute(long seed, int cycles, int clients, Ledger ledger, List<CycleResult> results,
                                    Drain drain, List<ReceivedMessage> received, long clientErrors, Duration elapsed) {
        DurabilityReport r = new DurabilityReport(seed, cycles, clients, ledger, results, drain, clientErrors, elapsed);
        r.account(received);
        return r;
    }

    private void account(List<ReceivedMessage> received) {
        Map<String, List<ReceivedMessage>> copies = new HashMap<>();
        for (ReceivedMessage m : received) {
            upstreamCopies++;
            if (!m.answered()) {
                unansweredCopies++;
            }
            Split split = split(m.content());
            Optional<Ledger.Sent> sent = split.messageId().flatMap(ledger::sent);
            if (sent.isEmpty()) {
                unknownCopies++;
                continue;
            }
            Ledger.Sent s = sent.get();
            if (!s.sha256().equals(split.sha256()) || !m.mailbox().equalsIgnoreCase(RelayProcess.SCANNER_MAILBOX)
                    || !m.mailFrom().equalsIgnoreCase(RelayProcess.SCANNER_MAILBOX)
                    || !s.recipients().containsAll(m.recipients())) {
                corrupted.add(s.messageId() + " (copy #" + m.number() + ")");
            }
            copies.computeIfAbsent(s.messageId(), k -> new ArrayList<>()).add(m);
            int cycle = cycleOf(m.number());
            csv.append(m.number()).append(',').append(s.messageId()).append(',')
                    .append(ledger.isAcknowledged(s.messageId()) ? ledger.queueId(s.messageId()) : "").append(',')
                    .append(ledger.isAcknowledged(s.messageId())).append(',').append(m.answered()).append(',')
                    .append(cycle < 0 ? "drain" : String.valueOf(cycle + 1)).append(',')
                    .append(cycle < 0 ? "" : endedBy(cycle)).append(',')
                    .append(String.join(" ", m.recipients())).append('\n');
        }
        for (Ledger.Sent s : ledger.allSent().values()) {
            List<ReceivedMessage> all = new ArrayList<>(copies.getOrDefault(s.messageId(), List.of()));
            all.sort(Comparator.comparingInt(ReceivedMessage::number));
            boolean acknowledged = ledger.isAcknowledged(s.messageId());
            int reached = 0;
            boolean duplicated = false;
            for (String rcpt : s.recipients()) {
                List<ReceivedMessage> forRcpt = all.stream().filter(m -> m.recipients().contains(rcpt)).toList();
                if (!forRcpt.isEmpty()) {
                    reached++;
                }
                for (int i = 1; i < forRcpt.size(); i++) {
                    duplicated = true;
                    duplicatesByCause.merge(duplicateCause(forRcpt.get(i - 1)), 1, Integer::sum);
                }
            }
            if (duplicated) {
                duplicateMessages++;
            }
            boolean complete = reached == s.recipients().size();
            boolean dead = drain.deadLettered().contains(s.messageId());
            if (dead) {
                deadLettered++;
            }
            if (complete) {
                delivered++;
            }
            if (acknowledged && complete) {
                deliveredAcknowledged++;
            } else if (acknowledged && !dead) {
                lost.add(s.messageId() + " (queue id " + ledger.queueId(s.messageId()) + ", " + reached + "/"
                        + s.recipients().size() + " recipients reached, sent in cycle " + (s.cycle() + 1) + ")");
            } else if (!acknowledged && complete) {
                unacknowledgedDeliveredByCause.merge("relay ended by " + endedBy(s.cycle()), 1, Integer::sum);
            } else if (!acknowledged && reached > 0 && !dead) {
                partial.add(s.messageId());
            } else if (!acknowledged && reached == 0) {
                neitherAcknowledgedNorDelivered++;
            }
        }
    }

    private String duplicateCause(ReceivedMessage previous) {
        if (!previous.answered()) {
            return DROP_CAUSE;
        }
        int cycle = cycleOf(previous.number());
        return cycle < 0 ? UNEXPLAINED : "relay ended after the upstream 250, before removing the entry, by " + endedBy(cycle);
    }

    private String endedBy(int cycle) {
        return cycle >= 0 && cycle < results.size() ? results.get(cycle).endedBy() : "(no cycle)";
    }

    /** The cycle whose relay process sent copy number {@code number}; -1 for the final drain. */
    private int cycleOf(int number) {
        if (number > drain.upstreamBefore()) {
            return -1;
        }
        for (int i = results.size() - 1; i >= 0; i--) {
            if (number > results.get(i).upstreamBefore()) {
                return i;
            }
        }
        return -1;
    }

    /** A received copy: the client's message after the relay's Received header, its digest and Message-ID. */
    private record Split(Optional<String> messageId, String sha256) {
    }

    private static Split split(byte[] content) {
        try (InputStream in = new BufferedInputStream(new ByteArrayInputStream(content))) {
            QueuedMessages.receivedHeader(in);
            byte[] body = in.readAllBytes();
            return new Split(messageId(body), HarnessClient.sha256(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Message-ID in the header section of {@code message}, without angle brackets. */
    static Optional<String> messageId(byte[] message) {
        String text = new String(message, 0, Math.min(message.length, 8192), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        Matcher m = MESSAGE_ID.matcher(end < 0 ? text : text.substring(0, end + 2));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    // ---- results for the assertions ----

    public List<String> lost() {
        return List.copyOf(lost);
    }

    public List<String> corrupted() {
        return List.copyOf(corrupted);
    }

    public int unexplainedDuplicates() {
        return duplicatesByCause.getOrDefault(UNEXPLAINED, 0);
    }

    public int deadLettered() {
        return deadLettered;
    }

    public int acknowledged() {
        return ledger.acknowledgedCount();
    }

    public Drain drain() {
        return drain;
    }

    public int quarantinedAtRecovery() {
        return results.stream().mapToInt(r -> r.recovery().quarantined()).sum() + drain.recovery().quarantined();
    }

    /** Cycles in which the relay halted at {@code point}. */
    public int hits(CrashPoint point) {
        return (int) results.stream().filter(r -> r.crashPointHit() && r.plan().crashPoint() == point).count();
    }

    public int unknownUpstreamCopies() {
        return unknownCopies;
    }

    public List<String> partiallyDelivered() {
        return List.copyOf(partial);
    }

    // ---- the report ----

    /**
     * One line per copy the stand-in received (arrival number, Message-ID, the relay's queue id if
     * acknowledged, whether the final dot was answered, the cycle and how it ended): for checking
     * the attribution against the relay's log ({@code durability-relay.log} names queue ids).
     */
    public String copiesCsv() {
        return csv.toString();
    }

    /** The report as Markdown (written to target/durability-report.md and printed). */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Durability harness report\n\n");
        b.append("- date: ").append(LocalDate.now()).append('\n');
        b.append("- seed: ").append(seed).append(" (rerun with `-Dharness.seed=").append(seed).append("`)\n");
        b.append("- kill cycles: ").append(cycles).append(", relay starts: ").append(cycles + 1)
                .append(" (one per cycle, plus the final drain)\n");
        b.append("- clients: ").append(clients).append(" concurrent, plain listener, trusted network\n");
        b.append("- duration: ").append(elapsed.toSeconds()).append(" s (drain: ").append(drain.millis())
                .append(" ms, relay exit code after SIGTERM: ").append(drain.exitCode()).append(")\n\n");

        b.append("## Messages\n\n| | messages |\n|---|---:|\n");
        row(b, "submitted (a new Message-ID each)", ledger.attemptedCount());
        row(b, "acknowledged (client read `250`)", ledger.acknowledgedCount());
        row(b, "delivered (every recipient at least once)", delivered);
        row(b, "acknowledged and delivered", deliveredAcknowledged);
        row(b, "**lost** (acknowledged, a recipient never reached)", lost.size());
        row(b, "delivered but never acknowledged", unacknowledgedDeliveredByCause.values().stream().mapToInt(i -> i).sum());
        row(b, "not acknowledged and not delivered (the relay never committed it)", neitherAcknowledgedNorDelivered);
        row(b, "not acknowledged, partially delivered", partial.size());
        row(b, "dead-lettered", deadLettered);
        row(b, "with duplicates (any recipient)", duplicateMessages);
        b.append('\n');

        b.append("## Upstream copies\n\n| | copies |\n|---|---:|\n");
        row(b, "received by the Exchange stand-in", upstreamCopies);
        row(b, "of which unanswered (connection dropped after the final dot)", unansweredCopies);
        row(b, "**corrupted** (bytes, mailbox or recipients differ from what was sent)", corrupted.size());
        row(b, "not from the harness (e.g. failure notices)", unknownCopies);
        b.append('\n');

        b.append("## Delivered but never acknowledged, by cause\n\n| what ended the relay while the client waited | messages |\n|---|---:|\n");
        unacknowledgedDeliveredByCause.forEach((k, v) -> row(b, k, v));
        b.append('\n');

        b.append("## Duplicates by cause\n\nExtra copies per recipient (a message to 3 recipients sent twice counts 3).\n\n")
                .append("| cause | extra copies |\n|---|---:|\n");
        duplicatesByCause.forEach((k, v) -> row(b, k, v));
        int warnings = results.stream().mapToInt(CycleResult::duplicateWarnings).sum() + drain.duplicateWarnings();
        b.append("\nThe relay logged ").append(warnings)
                .append(" \"connection lost after the final dot ... may deliver it twice\" warnings.\n\n");

        b.append("## Crash points\n\n| crash point | cycles armed | halted there | `crash-at` values |\n|---|---:|---:|---|\n");
        for (CrashPoint p : CrashPoint.values()) {
            List<CycleResult> armed = results.stream().filter(r -> r.plan().crashPoint() == p).toList();
            b.append("| ").append(p.id()).append(" | ").append(armed.size()).append(" | ").append(hits(p)).append(" | ")
                    .append(armed.stream().map(r -> r.plan().crashAt()).distinct().sorted().toList())
                    .append(" |\n");
        }
        long randomKills = results.stream().filter(r -> r.plan().crashPoint() == null).count();
        long startupKills = results.stream().filter(r -> r.plan().killDuringStartup()).count();
        long startupHalts = results.stream().filter(r -> r.crashPointHit() && !r.listened()).count();
        b.append("\nRandom SIGKILLs: ").append(randomKills).append(" (").append(startupKills)
                .append(" during start-up, 0-1.5 s after launch; the rest 0.2-5 s after the listeners were up).")
                .append(" Crash points reached during start-up (delivery of the recovered queue, before the listeners): ")
                .append(startupHalts).append(".\n\n");

        b.append("## Upstream faults injected\n\n| fault | cycles | times armed |\n|---|---:|---:|\n");
        b.append("| refuse every connection from the relay's launch until 0.5-4 s after its listeners are up | ")
                .append(results.stream().filter(r -> r.plan().refuseMillis() > 0).count()).append(" | - |\n");
        Map<Stage, int[]> byStage = new EnumMap<>(Stage.class);
        for (CycleResult r : results) {
            if (r.plan().failStage() != null) {
                int[] c = byStage.computeIfAbsent(r.plan().failStage(), s -> new int[2]);
                c[0]++;
                c[1] += r.plan().failTimes();
            }
        }
        byStage.forEach((stage, c) -> b.append("| `").append(CyclePlan.FAULT_REPLY).append("` at ").append(stage)
                .append(" | ").append(c[0]).append(" | ").append(c[1]).append(" |\n"));
        b.append("| drop the connection after the final dot | ").append(results.stream().filter(r -> r.plan().drops() > 0).count())
                .append(" | ").append(results.stream().mapToInt(r -> r.plan().drops()).sum()).append(" |\n");
        b.append("\nArmed faults not used up by the end of their cycle are cleared. Clients saw ").append(clientErrors)
                .append(" connection errors or unexpected replies.\n\n");

        b.append("## Spool recovery at each start\n\n");
        b.append("- unfinished temp files removed: ")
                .append(results.stream().mapToInt(r -> r.recovery().tmpRemoved()).sum() + drain.recovery().tmpRemoved()).append('\n');
        b.append("- entries quarantined: ").append(quarantinedAtRecovery()).append('\n');
        b.append("- largest queue recovered at a start: ")
                .append(results.stream().mapToInt(r -> r.recovery().queued()).max().orElse(0)).append(" messages\n");
        b.append("- after the drain: queue ").append(drain.queueLeft()).append(", tmp ").append(drain.tmpFiles())
                .append(", quarantine ").append(drain.quarantineFiles()).append(", dead-letter ")
                .append(drain.deadLettered().size()).append(drain.drained() ? "" : " (NOT DRAINED)").append("\n\n");

        if (!lost.isEmpty() || !corrupted.isEmpty() || !partial.isEmpty()) {
            b.append("## Problems\n\n");
            lost.stream().limit(50).forEach(l -> b.append("- lost: ").append(l).append('\n'));
            corrupted.stream().limit(50).forEach(l -> b.append("- corrupted: ").append(l).append('\n'));
            partial.stream().limit(50).forEach(l -> b.append("- partially delivered: ").append(l).append('\n'));
            b.append('\n');
        }

        b.append("<details><summary>Cycles</summary>\n\n| # | plan | ended by | exit | ms |\n|---:|---|---|---:|---:|\n");
        for (CycleResult r : results) {
            b.append("| ").append(r.plan().number() + 1).append(" | ").append(r.plan().describe()).append(" | ")
                    .append(r.endedBy()).append(r.listened() ? "" : " (before listening)").append(" | ")
                    .append(r.exitCode()).append(" | ").append(r.millis()).append(" |\n");
        }
        b.append("\n</details>\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String label, long value) {
        b.append("| ").append(label).append(" | ").append(value).append(" |\n");
    }
}

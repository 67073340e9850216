package dev.oauthrelay.server.status;

import dev.oauthrelay.credentials.Credentials;
import dev.oauthrelay.delivery.DeadLetterReport;
import dev.oauthrelay.inventory.Device;
import dev.oauthrelay.inventory.DeviceInventory;
import dev.oauthrelay.server.Relay;
import dev.oauthrelay.server.inventory.DeviceTracking;
import dev.oauthrelay.server.status.StatusView.Check;
import dev.oauthrelay.server.status.StatusView.DeadLetter;
import dev.oauthrelay.server.status.StatusView.Deferral;
import dev.oauthrelay.server.status.StatusView.Health;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.server.oauth.UpstreamTokens;
import dev.oauthrelay.token.CachingTokenProvider;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers a {@link StatusView} from the running relay's parts. Reading stays cheap however long
 * the queue: directory listings, the small delivery-state files of the oldest
 * {@value #MAX_SCANNED} queued messages and the reports of the newest {@value #MAX_DEAD_LETTERS}
 * dead letters; never a message body.
 */
public final class StatusCollector {

    private static final Logger log = LoggerFactory.getLogger(StatusCollector.class);

    static final int MAX_SCANNED = 1000;
    static final int MAX_DEFERRALS = 25;
    static final int MAX_DEAD_LETTERS = 25;
    static final int MAX_DEVICES = 200;

    private final Spool spool;
    private final Optional<UpstreamTokens> tokens;
    private final Optional<DeviceInventory> devices;
    private final Supplier<Health> health;
    private final Clock clock;
    private final Credentials credentials;

    /**
     * @param tokens  the token caches, empty when delivery is not configured
     * @param devices the device inventory, empty when it is off
     * @param health  the readiness checks (may throw: shown as a failed check)
     */
    public StatusCollector(Spool spool, Optional<UpstreamTokens> tokens, Optional<DeviceInventory> devices,
                           Supplier<Health> health, Clock clock) {
        this(spool, tokens, devices, health, clock, Credentials.NONE);
    }

    /** @param credentials the upstream accounts' client secrets and certificates */
    public StatusCollector(Spool spool, Optional<UpstreamTokens> tokens, Optional<DeviceInventory> devices,
                           Supplier<Health> health, Clock clock, Credentials credentials) {
        this.credentials = credentials;
        this.spool = spool;
        this.tokens = tokens;
        this.devices = devices;
        this.health = health;
        this.clock = clock;
    }

    /** The status of {@code relay}, with {@code health} as its readiness checks. */
    public static StatusCollector of(Relay relay, Supplier<Health> health) {
        return new StatusCollector(relay.spool(), relay.tokens(), relay.devices().map(DeviceTracking::inventory),
                health, Clock.systemUTC(), relay.credentials());
    }

    public StatusView collect() throws IOException {
        List<Device> inventory = devices.map(DeviceInventory::snapshot).orElse(List.of());
        return new StatusView(clock.instant(), health(), tokens(), queue(),
                devices.map(d -> inventory.subList(0, Math.min(MAX_DEVICES, inventory.size()))),
                Math.max(0, inventory.size() - MAX_DEVICES), deadLetters(), credentials.statuses());
    }

    private Health health() {
        try {
            return health.get();
        } catch (RuntimeException e) {
            log.warn("status page: the health checks failed", e);
            return new Health(false, List.of(new Check("health", false, true, "the checks could not be run: " + e)));
        }
    }

    private List<StatusView.Token> tokens() {
        List<StatusView.Token> out = new ArrayList<>();
        tokens.ifPresent(t -> t.accounts().forEach(a -> {
            Optional<String> user = a.session().flatMap(s -> s.session()).map(s -> s.username());
            out.add(token(a.account().name(), "SMTP", a.smtp(), user));
            a.graph().ifPresent(g -> out.add(token(a.account().name(), "Graph", g, user)));
        }));
        return out;
    }

    private static StatusView.Token token(String account, String use, CachingTokenProvider cache, Optional<String> user) {
        return new StatusView.Token(account, use, cache.validUntil(), cache.lastError(), user);
    }

    private StatusView.Queue queue() throws IOException {
        List<QueueId> queued = spool.queued();
        List<Deferral> deferrals = new ArrayList<>();
        int scanned = Math.min(MAX_SCANNED, queued.size());
        int deferred = 0;
        for (QueueId id : queued.subList(0, scanned)) {
            Optional<DeliveryState> state = stateOf(id);
            // Deferred: an attempt did not finish it, or it is held (its mailbox throttled or paused),
            // with the reason in lastError; not a message no attempt has reached yet.
            if (state.isEmpty() || state.get().finished()
                    || state.get().attempts() == 0 && state.get().lastError().isEmpty()) {
                continue;
            }
            deferred++;
            if (deferrals.size() < MAX_DEFERRALS) {
                DeliveryState s = state.get();
                deferrals.add(new Deferral(id, id.timestamp(), s.attempts(), s.nextAttempt(), s.lastError(), s.pending(),
                        s.possibleDuplicate()));
            }
        }
        return new StatusView.Queue(queued.size(), queued.stream().findFirst().map(QueueId::timestamp), scanned,
                deferred, deferrals, spool.deadLettered().size());
    }

    /** The state of a queued message; empty if it has none, or it left the queue while we looked. */
    private Optional<DeliveryState> stateOf(QueueId id) {
        try {
            return spool.readState(id);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The newest dead letters first. */
    private List<DeadLetter> deadLetters() throws IOException {
        List<QueueId> all = spool.deadLettered();
        List<DeadLetter> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < MAX_DEAD_LETTERS; i--) {
            QueueId id = all.get(i);
            String report;
            try {
                report = spool.deadLetterReport(id);
            } catch (IOException e) {
                report = ""; // released or deleted meanwhile, or no report: show what the id says
            }
            DeadLetterReport.Summary s = DeadLetterReport.parse(report);
            out.add(new DeadLetter(id, s.received().orElse(id.timestamp()), s.mailbox(), s.mailFrom(),
                    s.attempts(), s.failed()));
        }
        return out;
    }
}

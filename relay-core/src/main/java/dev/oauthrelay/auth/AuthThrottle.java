package dev.oauthrelay.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brute-force protection for AUTH across all sessions. Failed attempts are counted per client
 * address and per username within a sliding window. Unknown usernames are tracked exactly like
 * existing ones, so nothing here reveals which accounts exist.
 * <ul>
 *   <li>After {@code delayAfter} failures, the reply to each further attempt (success or not, so
 *       a fast answer does not give the password away) is held back 1s, 2s, 4s... at most
 *       {@code maxDelay}.</li>
 *   <li>After {@code lockoutAfter} failures the address or account is locked for {@code lockout}:
 *       every attempt is refused like a wrong password without checking it, even the right one.
 *       One WARN per lockout; passwords never reach this class.</li>
 *   <li>A success clears the failures of its address and its account.</li>
 *   <li>At most {@code maxTracked} addresses and usernames are tracked; the one whose last attempt
 *       is oldest is forgotten first, so a spray of addresses costs bounded memory.</li>
 * </ul>
 * Thread-safe. It does no waiting itself: it only says how long a reply must wait.
 */
public final class AuthThrottle {

    private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);

    /** The first delay; each further failure doubles it up to {@code maxDelay}. */
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);

    /** Longer usernames share a key by their first characters; a key costs bounded memory. */
    private static final int MAX_KEY_LENGTH = 256;

    /**
     * @param delayAfter   failures before replies start to be delayed
     * @param maxDelay     the longest delay; 0 turns delays off
     * @param lockoutAfter failures within {@code window} that lock the address or account
     * @param lockout      how long a lockout lasts
     * @param window       how long a failure counts
     * @param maxTracked   addresses and usernames tracked at most
     */
    public record Settings(int delayAfter, Duration maxDelay, int lockoutAfter, Duration lockout, Duration window,
                           int maxTracked) {

        public static final Settings DEFAULTS = new Settings(3, Duration.ofSeconds(8), 10, Duration.ofMinutes(15),
                Duration.ofMinutes(15), 10_000);

        public Settings {
            if (delayAfter < 1 || lockoutAfter < 1 || maxTracked < 1) {
                throw new IllegalArgumentException("counts must be positive");
            }
            if (maxDelay.isNegative() || lockout.isNegative() || lockout.isZero() || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("lockout and window must be positive, max-delay not negative");
            }
        }
    }

    /**
     * What to do with one attempt.
     *
     * @param locked the address or the account is locked out: refuse without checking the password
     * @param delay  how long to hold the reply back
     */
    public record Admission(boolean locked, Duration delay) {
    }

    private final Settings settings;
    private final Clock clock;
    /** In access order: the eldest entry is the one touched longest ago. */
    private final Map<String, Entry> entries;

    public AuthThrottle(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > settings.maxTracked();
            }
        };
    }

    /** Call before checking the password. */
    public synchronized Admission admit(String address, String username) {
        Instant now = clock.instant();
        Entry byAddress = current(addressKey(address), now);
        Entry byAccount = current(accountKey(username), now);
        if (locked(byAddress, now) || locked(byAccount, now)) {
            return new Admission(true, settings.maxDelay());
        }
        return new Admission(false, delayAfter(Math.max(count(byAddress), count(byAccount))));
    }

    /** The password check failed (wrong password or unknown user). */
    public synchronized void failed(String address, String username) {
        Instant now = clock.instant();
        fail(addressKey(address), now);
        fail(accountKey(username), now);
    }

    /** The password check succeeded: the address and the account start over. */
    public synchronized void succeeded(String address, String username) {
        Instant now = clock.instant();
        for (String key : new String[] {addressKey(address), accountKey(username)}) {
            Entry e = entries.get(key);
            if (e != null && !locked(e, now)) { // a lockout begun meanwhile by another session stays
                entries.remove(key);
            }
        }
    }

    /** Addresses and usernames currently tracked. */
    public synchronized int tracked() {
        return entries.size();
    }

    private Duration delayAfter(int failures) {
        if (failures < settings.delayAfter() || settings.maxDelay().isZero()) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - settings.delayAfter(), 30);
        Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    private void fail(String key, Instant now) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        expire(e, now);
        if (locked(e, now)) {
            return; // admitted just before another session's failure locked it; the lockout stands
        }
        e.failures.addLast(now);
        if (e.failures.size() >= settings.lockoutAfter()) {
            e.lockedUntil = now.plus(settings.lockout());
            e.failures.clear();
            log.warn("AUTH lockout: {} locked out for {} after {} failed attempts within {};"
                            + " until then every AUTH from it is refused",
                    key, settings.lockout(), settings.lockoutAfter(), settings.window());
        }
    }

    /** The entry for {@code key} with expired failures and lockouts dropped, or null. */
    private Entry current(String key, Instant now) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        expire(e, now);
        if (e.failures.isEmpty() && e.lockedUntil == null) {
            entries.remove(key);
            return null;
        }
        return e;
    }

    private void expire(Entry e, Instant now) {
        Instant oldest = now.minus(settings.window());
        while (!e.failures.isEmpty() && !e.failures.peekFirst().isAfter(oldest)) {
            e.failures.removeFirst();
        }
        if (e.lockedUntil != null && !now.isBefore(e.lockedUntil)) {
            e.lockedUntil = null;
        }
    }

    private static boolean locked(Entry e, Instant now) {
        return e != null && e.lockedUntil != null && now.isBefore(e.lockedUntil);
    }

    private static int count(Entry e) {
        return e == null ? 0 : e.failures.size();
    }

    private static String addressKey(String address) {
        return "address " + address;
    }

    /** Usernames are unique ignoring case (see the configuration), so "Printer" counts for "printer". */
    private static String accountKey(String username) {
        String lower = username.toLowerCase(Locale.ROOT);
        return "account \"" + printable(lower.length() > MAX_KEY_LENGTH ? lower.substring(0, MAX_KEY_LENGTH) : lower) + "\"";
    }

    /** Client-chosen text made safe for one log line: control characters become '?'. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    private static final class Entry {
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        Instant lockedUntil;
    }
}

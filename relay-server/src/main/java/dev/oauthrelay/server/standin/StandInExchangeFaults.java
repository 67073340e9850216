package dev.oauthrelay.server.standin;

import dev.oauthrelay.server.standin.StandInExchange.Stage;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The misbehaviour the stand-in has been told to show; shared by all its connections. */
final class StandInExchangeFaults {

    private final Map<Stage, ArrayDeque<String>> replies = new EnumMap<>(Stage.class);
    private final Set<String> omitted = ConcurrentHashMap.newKeySet();
    private int dropsAfterDot;
    private int forcedAuthFailures;
    private volatile boolean refuseConnections;
    private volatile boolean neverAnswerFinalDot;
    private volatile boolean authErrorChallenge;
    private volatile String afterStartTlsReply;
    private volatile boolean smtpAuthDisabled;

    synchronized void failNext(Stage stage, int times, String reply) {
        ArrayDeque<String> queue = replies.computeIfAbsent(stage, s -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(reply);
        }
    }

    /** The reply to give instead of the normal one at {@code stage}, or null. */
    synchronized String take(Stage stage) {
        ArrayDeque<String> queue = replies.get(stage);
        return queue == null ? null : queue.poll();
    }

    synchronized void dropAfterFinalDot(int times) {
        dropsAfterDot += times;
    }

    synchronized boolean takeDropAfterDot() {
        if (dropsAfterDot > 0) {
            dropsAfterDot--;
            return true;
        }
        return false;
    }

    synchronized void rejectAuth(int times) {
        forcedAuthFailures += times;
    }

    synchronized boolean takeForcedAuthFailure() {
        if (forcedAuthFailures > 0) {
            forcedAuthFailures--;
            return true;
        }
        return false;
    }

    void omit(String keyword, boolean omit) {
        if (omit) {
            omitted.add(keyword.toUpperCase(Locale.ROOT));
        } else {
            omitted.remove(keyword.toUpperCase(Locale.ROOT));
        }
    }

    boolean advertises(String keyword) {
        return !omitted.contains(keyword.toUpperCase(Locale.ROOT));
    }

    void refuseConnections(boolean refuse) {
        refuseConnections = refuse;
    }

    boolean refuseConnections() {
        return refuseConnections;
    }

    void neverAnswerFinalDot(boolean never) {
        neverAnswerFinalDot = never;
    }

    boolean neverAnswerFinalDot() {
        return neverAnswerFinalDot;
    }

    void authErrorChallenge(boolean challenge) {
        authErrorChallenge = challenge;
    }

    boolean authErrorChallenge() {
        return authErrorChallenge;
    }

    void smtpAuthDisabled(boolean disabled) {
        smtpAuthDisabled = disabled;
    }

    boolean smtpAuthDisabled() {
        return smtpAuthDisabled;
    }

    void afterStartTlsReply(String line) {
        afterStartTlsReply = line;
    }

    String afterStartTlsReply() {
        return afterStartTlsReply;
    }

    synchronized void clear() {
        afterStartTlsReply = null;
        replies.clear();
        omitted.clear();
        dropsAfterDot = 0;
        forcedAuthFailures = 0;
        refuseConnections = false;
        neverAnswerFinalDot = false;
        authErrorChallenge = false;
        smtpAuthDisabled = false;
    }
}

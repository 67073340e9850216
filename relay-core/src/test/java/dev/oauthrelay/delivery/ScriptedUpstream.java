package dev.oauthrelay.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory upstream for scheduler tests: answers from a script of functions (one per attempt,
 * the last one repeating), records every submission with its body, and tracks concurrency.
 */
final class ScriptedUpstream implements Upstream {

    record Received(Submission submission, byte[] body) {
    }

    private final Deque<Function<Submission, AttemptResult>> script = new ArrayDeque<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    /** Adds the answer for the next attempt; the last answer repeats. */
    synchronized ScriptedUpstream then(Function<Submission, AttemptResult> answer) {
        script.add(answer);
        return this;
    }

    static Function<Submission, AttemptResult> acceptAll() {
        return s -> completed(s, r -> new RemoteReply(250, "2.1.5 OK"), new RemoteReply(250, "2.0.0 OK queued"));
    }

    static AttemptResult completed(Submission s, Function<String, RemoteReply> rcpt, RemoteReply data) {
        Map<String, RemoteReply> replies = new LinkedHashMap<>();
        s.recipients().forEach(r -> replies.put(r, rcpt.apply(r)));
        boolean any = replies.values().stream().anyMatch(RemoteReply::isPositive);
        return new AttemptResult.Completed(replies, any ? data : null);
    }

    private synchronized Function<Submission, AttemptResult> next() {
        return script.size() > 1 ? script.poll() : script.peek();
    }

    @Override
    public CompletableFuture<AttemptResult> submit(Submission submission) {
        return CompletableFuture.supplyAsync(() -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try (InputStream in = submission.body().open()) {
                received.add(new Received(submission, in.readAllBytes()));
                Thread.sleep(5); // long enough for attempts to overlap when they can
                return next().apply(submission);
            } catch (IOException | InterruptedException e) {
                return new AttemptResult.Failed(AttemptResult.Stage.CONNECTION_LOST, null, e.toString(), false);
            } finally {
                running.decrementAndGet();
            }
        });
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    int maxConcurrent() {
        return maxRunning.get();
    }

    @Override
    public void close() {
    }
}

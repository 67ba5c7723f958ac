package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridroute.examples.RouteTyped;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** One engine shared by many threads: routing during reloads, and close() while calls are running. */
class ConcurrencyTest {
    static final int THREADS = 8;

    /** The answers of one engine on one thread: what every thread must see, bundle swaps or not. */
    private static List<String> expected(Path bundle, List<byte[]> lines) {
        List<String> out = new ArrayList<>();
        try (Engine engine = Engine.load(bundle)) {
            for (byte[] line : lines) {
                out.add(RouteTyped.route(engine, line));
            }
        }
        return out;
    }

    @Test
    void manyThreadsRouteWhileTheBundleIsReloaded() throws Exception {
        Path bundle = Golden.shuangcheng();
        List<byte[]> lines = Golden.lines(bundle.resolve("issues.jsonl"));
        List<String> want = expected(bundle, lines);
        byte[] text = Files.readAllBytes(bundle.resolve("issues.jsonl"));
        String wantBatch;
        try (Engine engine = Engine.load(bundle)) {
            wantBatch = new String(engine.routeJsonl(text, false), StandardCharsets.UTF_8);
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong decisions = new AtomicLong();
        AtomicInteger reloads = new AtomicInteger();
        try (Engine engine = Engine.load(bundle)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int kind = t % 3;
                threads.add(new Thread(() -> {
                    try {
                        for (int round = 0; round < 40 && !stop.get(); round++) {
                            if (kind == 2) { // the batch call, against one snapshot per call
                                String got = new String(engine.routeJsonl(text, false), StandardCharsets.UTF_8);
                                if (!got.equals(wantBatch)) {
                                    failures.add("batch differs");
                                }
                                decisions.addAndGet(lines.size());
                                continue;
                            }
                            for (int i = 0; i < lines.size(); i++) {
                                String got = RouteTyped.route(engine, lines.get(i));
                                if (!got.equals(want.get(i))) {
                                    failures.add("line " + (i + 1) + ": " + got + " != " + want.get(i));
                                }
                                decisions.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e.toString());
                    }
                }, "router-" + t));
            }
            Thread reloader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        engine.reload(bundle);
                        reloads.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add("reload: " + e);
                }
            }, "reloader");
            threads.forEach(Thread::start);
            reloader.start();
            for (Thread t : threads) {
                t.join(60_000);
            }
            stop.set(true);
            reloader.join(60_000);
        }
        assertEquals(List.of(), new ArrayList<>(failures));
        assertTrue(reloads.get() > 0, "no reload happened while routing");
        assertTrue(decisions.get() >= (long) THREADS * lines.size(), "decisions: " + decisions.get());
    }

    @Test
    void closeWhileCallsAreInFlightWaitsForThemAndRefusesLaterOnes() throws Exception {
        Path bundle = Golden.lanxi();
        List<byte[]> lines = Golden.lines(bundle.resolve("issues.jsonl"));
        List<String> want = expected(bundle, lines);
        byte[] text = Files.readAllBytes(bundle.resolve("issues.jsonl"));
        for (int attempt = 0; attempt < 5; attempt++) {
            Engine engine = Engine.load(bundle);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger refused = new AtomicInteger();
            AtomicLong answered = new AtomicLong();
            CountDownLatch running = new CountDownLatch(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final boolean batch = t == 0;
                threads.add(new Thread(() -> {
                    running.countDown();
                    try {
                        for (int i = 0; ; i = (i + 1) % lines.size()) {
                            if (batch) {
                                engine.routeJsonl(text, false);
                            } else {
                                String got = RouteTyped.route(engine, lines.get(i));
                                if (!got.equals(want.get(i))) {
                                    failures.add(got + " != " + want.get(i));
                                }
                            }
                            answered.incrementAndGet();
                        }
                    } catch (IllegalStateException e) {
                        refused.incrementAndGet(); // the engine is closed: the only way out
                    } catch (Throwable e) {
                        failures.add(e.toString());
                    }
                }));
            }
            threads.forEach(Thread::start);
            running.await();
            Thread.sleep(30);
            engine.close();
            for (Thread t : threads) {
                t.join(60_000);
            }
            assertEquals(List.of(), new ArrayList<>(failures));
            assertEquals(THREADS, refused.get());
            assertTrue(answered.get() > 0);
        }
    }

    @Test
    void threadsKeepWorkingAcrossEngines() throws Exception {
        // A thread's reused decision outlives the engine that filled it; the next engine's calls reuse it.
        Path bundle = Golden.lanxi();
        List<byte[]> lines = Golden.lines(bundle.resolve("issues.jsonl"));
        List<String> want = expected(bundle, lines);
        for (int k = 0; k < 3; k++) {
            try (Engine engine = Engine.load(bundle)) {
                for (int i = 0; i < lines.size(); i++) {
                    assertEquals(want.get(i), RouteTyped.route(engine, lines.get(i)));
                }
            }
        }
    }
}

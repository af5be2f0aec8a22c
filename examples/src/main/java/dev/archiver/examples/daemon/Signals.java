package dev.archiver.examples.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling for long-running commands: the first signal asks for a graceful stop
 * (the command finishes in-flight uploads and commits, then exits 0), a second one exits at once
 * (nothing is lost: uncommitted records are replayed on restart).
 *
 * <p>A shutdown hook would also run on SIGTERM, but the JVM then exits with 143; handling the
 * signal lets the command return 0 after a clean stop.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();

    private Signals() {}

    static Signals install() {
        Signals s = new Signals();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> s.onSignal(sig.getName()));
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform (or is reserved by the JVM)
            }
        }
        return s;
    }

    private void onSignal(String name) {
        if (received.incrementAndGet() > 1) {
            log.warn("Second SIG{}: exiting now (uncommitted records replay)", name);
            Runtime.getRuntime().halt(128 + (name.equals("INT") ? 2 : 15));
        }
        log.warn("SIG{}: stopping (finishing uploads and commits; signal again to exit now)", name);
        stop.countDown();
    }

    /** Asks for a stop as a signal would (tests, fatal errors). */
    void requestStop() {
        stop.countDown();
    }

    boolean stopRequested() {
        return stop.getCount() == 0;
    }

    /** Waits up to {@code millis} for a stop request; returns whether one arrived. */
    boolean awaitStop(long millis) throws InterruptedException {
        return stop.await(millis, TimeUnit.MILLISECONDS);
    }
}

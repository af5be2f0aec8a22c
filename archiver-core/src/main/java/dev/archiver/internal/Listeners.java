package dev.archiver.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into the user's {@link dev.archiver.ArchiverListener}, which must never stop the engine.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private Listeners() {}

    static void safely(String name, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("{}: listener failed: {}", name, e.toString());
        }
    }
}

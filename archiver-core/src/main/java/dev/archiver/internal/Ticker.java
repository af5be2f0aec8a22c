package dev.archiver.internal;

/**
 * The engine's monotonic time source: every timer (file age, backoffs, pauses, idle commits) runs
 * on it, so a step of the wall clock neither stalls nor rushes a partition. {@link #SYSTEM} is
 * {@link System#nanoTime()}; tests inject their own.
 */
@FunctionalInterface
interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanos();
}

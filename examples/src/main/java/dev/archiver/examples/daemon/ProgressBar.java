package dev.archiver.examples.daemon;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn at most five times a second; silent when stderr is not
 * a terminal (unless forced), so that logs and CI output stay clean.
 */
final class ProgressBar {
    private final PrintWriter err;
    private final boolean enabled;
    private final String unit;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean force, String unit) {
        this.err = err;
        this.enabled = force || System.console() != null;
        this.unit = unit;
    }

    synchronized void update(long done, long total, String detail) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int width = 30;
        int filled = total <= 0 ? 0 : (int) Math.min(width, width * done / total);
        err.printf(
                "\r[%s%s] %,d/%,d %s %s",
                "#".repeat(filled), "-".repeat(width - filled), done, total, unit, detail);
        err.flush();
        drawn = true;
    }

    synchronized void finish() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}

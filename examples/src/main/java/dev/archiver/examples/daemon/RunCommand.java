package dev.archiver.examples.daemon;

import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true)
final class RunCommand implements Runnable {
    @Override
    public void run() {}
}

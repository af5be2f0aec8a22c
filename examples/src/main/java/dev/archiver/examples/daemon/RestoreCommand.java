package dev.archiver.examples.daemon;

import picocli.CommandLine.Command;

@Command(name = "restore", mixinStandardHelpOptions = true)
final class RestoreCommand implements Runnable {
    @Override
    public void run() {}
}

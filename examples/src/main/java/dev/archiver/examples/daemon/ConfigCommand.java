package dev.archiver.examples.daemon;

import picocli.CommandLine.Command;

@Command(name = "config", mixinStandardHelpOptions = true)
final class ConfigCommand implements Runnable {
    @Override
    public void run() {}
}

package dev.archiver.examples.daemon;

import picocli.CommandLine.Command;

@Command(name = "cat", mixinStandardHelpOptions = true)
final class CatCommand implements Runnable {
    @Override
    public void run() {}
}

package dev.archiver.examples.daemon;

import picocli.CommandLine.Command;

@Command(name = "verify", mixinStandardHelpOptions = true)
final class VerifyCommand implements Runnable {
    @Override
    public void run() {}
}

/**
 * The reliability suite: the daemon attacked the way production attacks it, with every run proven
 * exactly once by {@link dev.archiver.verify.ArchiveVerifier} against what Kafka holds.
 */
package dev.archiver.reliability;

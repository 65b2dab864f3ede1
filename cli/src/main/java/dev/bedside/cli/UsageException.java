package dev.bedside.cli;

/** A command line the command cannot use; the message says what is wrong. Exit code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) { super(message); }
}

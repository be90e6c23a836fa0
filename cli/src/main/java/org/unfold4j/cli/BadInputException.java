package org.unfold4j.cli;

/**
 * A problem with what the user gave the command line (a file, a parameter, an output directory),
 * reported as one line naming the problem and exit code 2, with no stack trace.
 */
final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
        super(message);
    }

    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.kubegpu.app;

import io.kubegpu.app.cli.Cli;

/**
 * Entry point of the executable jar. Whatever happens, the process ends with a status: a command that
 * returns, an exception, or an {@link Error} (a class missing from the jar, say) all end in {@code System.exit}.
 * Without that, an Error thrown while a server starts would kill only the main thread and leave the JVM alive
 * on the threads already started (event loops, informers): a hung container instead of a crash.
 */
public final class Main {
    /** Exit status when the process failed for a reason that is not the user's input. */
    static final int FAILED = 1;

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = Cli.run(args, System.in, System.out, System.err);
        } catch (Throwable e) {
            System.err.println("error: " + Cli.describe(e));
            System.err.flush();
            status = FAILED;
        }
        System.exit(status);
    }
}

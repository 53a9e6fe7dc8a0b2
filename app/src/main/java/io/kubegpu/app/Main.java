package io.kubegpu.app;

import io.kubegpu.app.cli.Cli;

/** Entry point of the executable jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args, System.in, System.out, System.err));
    }
}

package io.kubegpu.app.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code parse}, {@code guard}, {@code catalog}, {@code state}, {@code serve} and {@code simulate}. Streams are passed in so
 * tests drive exactly what a user runs.
 */
@Command(name = "kube-gpu-extender", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "GPU-aware scheduling for Kubernetes: request grammar, GPU catalog and memory guard.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Cli implements Runnable {
    /** Exit status when every input was valid (and, for guard, something fits). */
    public static final int OK = 0;
    /** guard: the request is valid but no model can ever fit it. */
    public static final int NO_FIT = 1;
    /** Some input was invalid. */
    public static final int INVALID_INPUT = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine commandLine = new CommandLine(new Cli())
                .addSubcommand(new ParseCommand(in))
                .addSubcommand(new GuardCommand())
                .addSubcommand(new CatalogCommand())
                .addSubcommand(new StateCommand())
                .addSubcommand(new ServeCommand())
                .addSubcommand(new SimulateCommand())
                .setOut(outWriter)
                .setErr(errWriter);
        // Enumerated options (--policy, --roles, …) are written in lower case in the docs and the chart.
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // A malformed command line is invalid input too.
        commandLine.getCommandSpec().exitCodeOnInvalidInput(INVALID_INPUT);
        // Bad files and unreachable clusters are the user's to fix: one line, no stack trace.
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + describe(e));
            return INVALID_INPUT;
        });
        // A bad option or value: the message and where to look, not the whole usage text (servers log it).
        commandLine.setParameterExceptionHandler((e, args2) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        int status = commandLine.execute(args);
        outWriter.flush();
        errWriter.flush();
        return status;
    }

    /**
     * One line about a failure: its message, or for an {@link Error} without a useful message (a class missing from
     * the jar) what it is, so the line still says what broke.
     */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof Error) {
            return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"kube-gpu-extender " + (version == null ? "development build" : version)};
        }
    }
}

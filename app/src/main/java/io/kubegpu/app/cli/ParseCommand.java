package io.kubegpu.app.cli;

import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code parse}: one JSON object per request; exit 0 when all are valid, 2 otherwise. */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = "Parse GPU request strings and print one JSON object per input line.")
final class ParseCommand implements Callable<Integer> {
    private final InputStream stdin;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GrammarOptions grammar;

    @Option(names = "--stdin", description = "Read requests from standard input, one per line.")
    private boolean fromStdin;

    @Parameters(paramLabel = "REQUEST", arity = "0..*", description = "Requests such as 2(V100), 0.5, 8G,0.5.")
    private List<String> requests = List.of();

    ParseCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws IOException {
        if (fromStdin == !requests.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give REQUEST arguments or --stdin (one of them)");
        }
        GpuRequestParser parser = grammar.parser();
        PrintWriter out = spec.commandLine().getOut();
        boolean allValid = true;
        if (fromStdin) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                allValid &= print(parser, line, out);
            }
        } else {
            for (String request : requests) {
                allValid &= print(parser, request, out);
            }
        }
        out.flush();
        if (out.checkError()) {
            throw new UncheckedIOException(new IOException("standard output could not be written"));
        }
        return allValid ? Cli.OK : Cli.INVALID_INPUT;
    }

    private static boolean print(GpuRequestParser parser, String input, PrintWriter out) {
        try {
            out.println(RequestJson.GSON.toJson(RequestJson.valid(input, parser.parse(input), parser.config())));
            return true;
        } catch (InvalidGpuRequestException e) {
            out.println(RequestJson.GSON.toJson(RequestJson.invalid(input, e.error())));
            return false;
        }
    }
}

package io.kubegpu.api;

/**
 * What is wrong with a JSON body, for the caller who sent it: the parser's position and reason ("End of input at line 1
 * column 13 path $.interval"), without the exception class names and the troubleshooting link Gson puts into its
 * messages — those say how our process is built, not what to fix in the request.
 */
public final class JsonProblem {
    private JsonProblem() {
    }

    public static String describe(Throwable e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t;
            }
        }
        String message = deepest.getMessage() == null ? "malformed JSON" : deepest.getMessage();
        int see = message.indexOf("\nSee ");
        if (see >= 0) {
            message = message.substring(0, see);
        }
        // A wrapper's message is its cause's toString(): "com.google.gson.stream.MalformedJsonException: …".
        return message.replaceAll("^(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ", "").strip();
    }
}

package io.kubegpu.console.view;

/**
 * A query parameter the console cannot use: which one, what it was, what is wrong and how to fix it. The routes answer
 * it as a 400 with these fields; {@code column} and {@code code} come from the request parser for a request string.
 */
public final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String parameter;
    private final String value;
    private final String fix;
    private final Integer column;
    private final String code;

    public BadInput(String parameter, String value, String message, String fix) {
        this(parameter, value, message, fix, null, null);
    }

    public BadInput(String parameter, String value, String message, String fix, Integer column, String code) {
        super(message);
        this.parameter = parameter;
        this.value = value;
        this.fix = fix;
        this.column = column;
        this.code = code;
    }

    public String parameter() {
        return parameter;
    }

    public String value() {
        return value;
    }

    public String fix() {
        return fix;
    }

    /** The 1-based column of a request string's error, or null. */
    public Integer column() {
        return column;
    }

    /** The parser's error code, or null. */
    public String code() {
        return code;
    }
}

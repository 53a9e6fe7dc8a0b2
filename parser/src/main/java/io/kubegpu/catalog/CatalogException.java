package io.kubegpu.catalog;

/** A catalog (built-in or an operator's override file) that cannot be used, with where and why. */
public final class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.kubegpu.webhook.quota;

/** A quota file that cannot be used, with the file, the field, the value and the fix in the message. */
public final class QuotaFileException extends IllegalArgumentException {
    public QuotaFileException(String message) {
        super(message);
    }
}

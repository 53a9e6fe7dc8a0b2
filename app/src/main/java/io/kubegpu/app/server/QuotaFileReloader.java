package io.kubegpu.app.server;

import io.kubegpu.api.LogSafe;
import io.kubegpu.webhook.quota.QuotaFile;
import io.kubegpu.webhook.quota.QuotaFileException;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubegpu.webhook.quota.QuotaSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quota file, read at start (a bad file stops the start) and checked every few seconds afterwards: a changed file that
 * reads well replaces the quotas at once (a mounted ConfigMap changes within a minute of its edit), one that does not is
 * logged and the quotas in force stay.
 *
 * <pre>
 * kubegpu_quota_file_reloads_total{outcome}   counter: applied, refused
 * </pre>
 */
final class QuotaFileReloader {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaFileReloader.class);

    private final Path file;
    private final QuotaFile reader;
    private final MeterRegistry registry;
    private QuotaLedger ledger;
    private String seen;
    private volatile String lastError;

    QuotaFileReloader(Path file, QuotaFile reader, MeterRegistry registry) {
        this.file = file;
        this.reader = reader;
        this.registry = registry;
    }

    /** The file as it is now; throws with the file, field and fix when it cannot be used. */
    QuotaSpec load() throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        QuotaSpec spec = reader.parse(text, file.toString());
        seen = text;
        return spec;
    }

    /** From now on, changes go to {@code target}. */
    void attach(QuotaLedger target) {
        this.ledger = target;
    }

    /** Why the last change was not applied, or null. */
    String lastError() {
        return lastError;
    }

    void reloadIfChanged() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot read the quota file {} ({}); keeping the quotas in force", file, e.getMessage());
            return;
        }
        if (text.equals(seen)) {
            return;
        }
        seen = text;
        try {
            QuotaSpec spec = reader.parse(text, file.toString());
            ledger.replaceSpec(spec);
            lastError = null;
            count("applied");
            LOG.info("quota file {} reloaded: {} quotas", file, spec.quotas().size());
        } catch (QuotaFileException e) {
            lastError = e.getMessage();
            count("refused");
            LOG.warn("the changed quota file cannot be used, keeping the quotas in force: {}", LogSafe.quote(e.getMessage()));
        }
    }

    private void count(String outcome) {
        Counter.builder("kubegpu.quota.file.reloads").description("Changes of the quota file, applied or refused").tag("outcome", outcome)
                .register(registry).increment();
    }
}

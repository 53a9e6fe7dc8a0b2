package io.kubegpu.scorer.wire;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps as the REST API, the control API and notifications write them: RFC 3339 in UTC with exactly six
 * fractional digits and a {@code +00:00} offset, e.g. {@code 2026-12-06T23:52:26.294430+00:00}. Clients of
 * the Python monitor parse them with {@code datetime.fromisoformat}, which before Python 3.11 accepts neither
 * more than six digits (Java's {@link Instant#toString()} writes nine) nor a {@code Z}.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant.truncatedTo(ChronoUnit.MICROS));
    }
}

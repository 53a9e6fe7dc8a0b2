package io.kubegpu.simulator.trace;

import io.kubegpu.catalog.CatalogYaml;
import io.kubegpu.catalog.GpuCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The built-in GPU catalog with the trace's model names: placeholders for G1–G3, aliases for V100M16/V100M32. */
public final class TraceCatalog {
    static final String RESOURCE = "/io/kubegpu/simulator/alibaba-trace-catalog.yaml";

    private TraceCatalog() {
    }

    public static GpuCatalog over(GpuCatalog base) {
        try (InputStream in = TraceCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return base.withOverrides(CatalogYaml.read(reader, RESOURCE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.kubegpu.scorer.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of the build, from {@code version.properties} that Maven filters; {@code /} reports it as the monitor did its own. */
final class BuildVersion {
    private static final String RESOURCE = "/io/kubegpu/scorer/version.properties";

    private BuildVersion() {
    }

    static String get() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}

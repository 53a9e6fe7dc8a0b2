package io.kubegpu.e2e;

/** Closes what a test started, last started first, skipping what never started; one failure does not keep the rest open. */
final class Closing {
    private Closing() {
    }

    static void all(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("cannot close " + resource + ": " + e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

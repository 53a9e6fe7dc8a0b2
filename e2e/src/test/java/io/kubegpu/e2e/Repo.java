package io.kubegpu.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository the tests run in, and the packaged jar under test. */
final class Repo {
    private Repo() {
    }

    /** The repository root: the first directory above the working directory with the root pom and the Dockerfile. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("Dockerfile")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("the repository root is not above " + Path.of("").toAbsolutePath());
    }

    /** The shaded jar the Dockerfile copies into the image; the reactor packages it before this module's tests run. */
    static Path jar() {
        Path jar = root().resolve("app/target/kube-gpu-extender.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package it first (mvn -B verify builds it before the e2e module)");
        }
        return jar;
    }

    /** Where the started processes' logs and files go: kept after the run for a failure's post-mortem. */
    static Path work(String name) {
        try {
            return Files.createDirectories(root().resolve("e2e/target/e2e-work").resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

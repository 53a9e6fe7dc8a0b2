package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar carries the runtime closure of our code: every class that any of our classes refers to is in the jar
 * (or the JDK). A dependency left at test scope — vertx-web-client once, which the scorer needs at run time — compiles
 * and passes every in-process test, and then the shipped jar dies with NoClassDefFoundError; jdeps finds it statically.
 */
class ShadedJarClosureIT {
    @Test
    void everyClassOurCodeUsesIsInTheJar(@TempDir Path ours) throws Exception {
        Path jar = Repo.jar();
        int extracted = extractOurClasses(jar, ours);
        // Not vacuous: our own classes are there to be checked.
        assertThat(extracted).as("io/kubegpu classes in " + jar).isGreaterThan(100);

        // jdeps on the jar itself is confused by a module-info inside it; on our classes with the jar as class path it
        // reports each reference nothing on that path (or in the JDK) satisfies.
        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        Path out = ours.resolveSibling(ours.getFileName() + ".jdeps.txt");
        Process process = new ProcessBuilder(jdeps.toString(), "--multi-release", "17", "-cp", jar.toString(), "--missing-deps",
                ours.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("jdeps finished").isTrue();
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(report).isZero();
        List<String> missing = report.lines().filter(line -> line.contains("not found")).toList();
        assertThat(missing).as("classes our code uses that the shaded jar lacks (a dependency at the wrong scope?)").isEmpty();
    }

    private static int extractOurClasses(Path jar, Path dir) throws IOException {
        int count = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (!entry.isDirectory() && entry.getName().startsWith("io/kubegpu/") && entry.getName().endsWith(".class")) {
                    Path target = dir.resolve(entry.getName());
                    Files.createDirectories(target.getParent());
                    copy(zip, target);
                    count++;
                }
            }
        }
        return count;
    }

    private static void copy(InputStream in, Path target) throws IOException {
        Files.write(target, in.readAllBytes());
    }
}

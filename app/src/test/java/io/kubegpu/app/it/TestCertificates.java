package io.kubegpu.app.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** A throw-away CA (openssl) and serving certificates it signs for the DNS names the API server dials aggregated APIs by. */
final class TestCertificates {
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kube-gpu-extender-it-ca",
                "-keyout", dir.resolve("ca.key").toString(), "-out", dir.resolve("ca.crt").toString());
        return new TestCertificates(dir);
    }

    /** Writes {@code NAME.crt} and {@code NAME.key} for DNS {@code dnsName}; returns the certificate's path. */
    Path serving(String name, String dnsName) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=DNS:" + dnsName + "\nextendedKeyUsage=serverAuth\n");
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + dnsName, "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".csr").toString());
        run("openssl", "x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", dir.resolve("ca.crt").toString(), "-CAkey",
                dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "1", "-extfile", dir.resolve(name + ".ext").toString(), "-out",
                dir.resolve(name + ".crt").toString());
        return dir.resolve(name + ".crt");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    String caBundle() throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("ca.crt")));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}

package io.kubegpu.scorer.metricsapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request-header authentication with real certificates (openssl): the front proxy's, another CA's, a server's. */
class FrontProxyAuthenticationTest {
    @TempDir
    static Path dir;
    static X509Certificate frontProxyCa;
    static X509Certificate proxy;
    static X509Certificate stranger;
    static X509Certificate otherName;
    static X509Certificate serverOnly;

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
    }

    private static X509Certificate ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".crt");
        return read(name + ".crt");
    }

    private static X509Certificate signed(String ca, String name, String usage) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), "extendedKeyUsage=" + usage + "\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial", "-days", "1",
                "-extfile", name + ".ext", "-out", name + ".crt");
        return read(name + ".crt");
    }

    private static X509Certificate read(String file) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @BeforeAll
    static void certificates() throws Exception {
        frontProxyCa = ca("front-proxy-ca");
        ca("other-ca");
        proxy = signed("front-proxy-ca", "front-proxy-client", "clientAuth");
        otherName = signed("front-proxy-ca", "someone-else", "clientAuth");
        serverOnly = signed("front-proxy-ca", "front-proxy-server", "serverAuth");
        stranger = signed("other-ca", "front-proxy-client-2", "clientAuth");
    }

    private static RequestHeaderConfig config() {
        return new RequestHeaderConfig(List.of(frontProxyCa), Set.of("front-proxy-client"), List.of("X-Remote-User"), List.of("X-Remote-Group"),
                List.of("X-Remote-Extra-"));
    }

    private static final Map<String, List<String>> HEADERS = Map.of("x-remote-user", List.of("system:serviceaccount:kube-system:horizontal-pod-autoscaler"),
            "x-remote-group", List.of("system:serviceaccounts", "system:authenticated"), "x-remote-extra-scopes%2fa", List.of("x"));

    @Test
    void theFrontProxysCertificateVouchesForTheUserInItsHeaders() throws Exception {
        Caller caller = FrontProxyAuthentication.authenticate(List.of(proxy), HEADERS, config());
        assertThat(caller.user()).isEqualTo("system:serviceaccount:kube-system:horizontal-pod-autoscaler");
        assertThat(caller.groups()).containsExactly("system:serviceaccounts", "system:authenticated");
        assertThat(caller.extra()).containsEntry("scopes/a", List.of("x"));
        // No allowed names: any client certificate of the front-proxy CA.
        var anyName = new RequestHeaderConfig(List.of(frontProxyCa), Set.of(), List.of("X-Remote-User"), List.of(), List.of());
        assertThat(FrontProxyAuthentication.authenticate(List.of(otherName), HEADERS, anyName).user()).startsWith("system:serviceaccount");
    }

    @Test
    void anyoneElseIsRefusedWhateverHeadersTheySend() {
        assertThatThrownBy(() -> FrontProxyAuthentication.authenticate(List.of(), HEADERS, config())).hasMessageContaining("no client certificate");
        assertThatThrownBy(() -> FrontProxyAuthentication.authenticate(List.of(stranger), HEADERS, config()))
                .hasMessageContaining("not signed by the front-proxy CA");
        assertThatThrownBy(() -> FrontProxyAuthentication.authenticate(List.of(otherName), HEADERS, config()))
                .hasMessageContaining("CN someone-else is not an allowed front proxy");
        assertThatThrownBy(() -> FrontProxyAuthentication.authenticate(List.of(serverOnly), HEADERS, config()))
                .hasMessageContaining("not for client authentication");
        assertThatThrownBy(() -> FrontProxyAuthentication.authenticate(List.of(proxy), Map.of(), config()))
                .hasMessageContaining("sent no user");
        assertThatThrownBy(() -> FrontProxyAuthentication.authenticate(List.of(proxy), HEADERS, null))
                .hasMessageContaining("not known yet");
    }
}

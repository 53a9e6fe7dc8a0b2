package io.kubegpu.scorer.metricsapi;

import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Request-header authentication, as every aggregated API server does it: the caller must present a client certificate
 * signed by the front-proxy CA (for client authentication, with an allowed common name); only then are the user and
 * groups in its headers believed. Anyone else is refused, whatever headers they send.
 */
public final class FrontProxyAuthentication {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    /** The request is not from the front proxy. */
    public static final class Unauthenticated extends Exception {
        private static final long serialVersionUID = 1L;

        Unauthenticated(String message) {
            super(message, null, false, false);
        }
    }

    private FrontProxyAuthentication() {
    }

    /**
     * @param chain   the client's certificate chain, leaf first (empty when it sent none)
     * @param headers the request's headers, names in lower case, with all their values
     */
    public static Caller authenticate(List<X509Certificate> chain, Map<String, List<String>> headers, RequestHeaderConfig config)
            throws Unauthenticated {
        if (config == null) {
            throw new Unauthenticated("the front proxy's CA is not known yet (kube-system/extension-apiserver-authentication)");
        }
        if (chain.isEmpty()) {
            throw new Unauthenticated("no client certificate: only the API server's front proxy may call");
        }
        X509Certificate leaf = chain.get(0);
        verify(chain, config.clientCas());
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH)) {
                throw new Unauthenticated("the client certificate is not for client authentication");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new Unauthenticated("unreadable client certificate: " + e.getMessage());
        }
        String commonName = commonName(leaf);
        if (!config.allowedNames().isEmpty() && !config.allowedNames().contains(commonName)) {
            throw new Unauthenticated("client certificate CN " + commonName + " is not an allowed front proxy " + config.allowedNames());
        }
        String user = first(config.usernameHeaders(), headers);
        if (user == null || user.isEmpty()) {
            throw new Unauthenticated("the front proxy sent no user (" + String.join(", ", config.usernameHeaders()) + ")");
        }
        List<String> groups = new ArrayList<>();
        for (String header : config.groupHeaders()) {
            groups.addAll(values(headers, header));
        }
        Map<String, List<String>> extra = new HashMap<>();
        for (String prefix : config.extraHeaderPrefixes()) {
            String lower = prefix.toLowerCase(java.util.Locale.ROOT);
            headers.forEach((name, values) -> {
                if (name.startsWith(lower) && name.length() > lower.length()) {
                    String key = java.net.URLDecoder.decode(name.substring(lower.length()), java.nio.charset.StandardCharsets.UTF_8);
                    extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
                }
            });
        }
        return new Caller(user, groups, extra);
    }

    private static void verify(List<X509Certificate> chain, List<X509Certificate> cas) throws Unauthenticated {
        if (cas.isEmpty()) {
            throw new Unauthenticated("no front-proxy CA is configured");
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate ca : cas) {
                anchors.add(new TrustAnchor(ca, null));
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
        } catch (java.security.GeneralSecurityException e) {
            throw new Unauthenticated("the client certificate is not signed by the front-proxy CA: " + e.getMessage());
        }
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
    }

    private static String first(List<String> names, Map<String, List<String>> headers) {
        for (String name : names) {
            List<String> values = values(headers, name);
            if (!values.isEmpty()) {
                return values.get(0);
            }
        }
        return null;
    }

    static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return "";
        }
        return "";
    }
}

package io.kubegpu.scorer.metricsapi;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * How the API server's front proxy authenticates to an aggregated API server, from
 * {@code kube-system/extension-apiserver-authentication}: the CA of its client certificate
 * ({@code requestheader-client-ca-file}), the common names allowed to proxy ({@code requestheader-allowed-names}; empty:
 * any certificate of that CA), and the headers that carry the user, groups and extra attributes.
 */
public record RequestHeaderConfig(List<X509Certificate> clientCas, Set<String> allowedNames, List<String> usernameHeaders,
                                  List<String> groupHeaders, List<String> extraHeaderPrefixes) {
    public RequestHeaderConfig {
        clientCas = List.copyOf(clientCas);
        allowedNames = Set.copyOf(allowedNames);
        usernameHeaders = List.copyOf(usernameHeaders);
        groupHeaders = List.copyOf(groupHeaders);
        extraHeaderPrefixes = List.copyOf(extraHeaderPrefixes);
    }
}

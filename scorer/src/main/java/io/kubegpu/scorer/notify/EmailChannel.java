package io.kubegpu.scorer.notify;

import io.kubegpu.scorer.action.Delivery;
import io.kubegpu.scorer.config.ScorerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;

/**
 * E-mail over SMTP with Jakarta Mail (Eclipse Angus): STARTTLS that is required, not merely tried (a server
 * that does not offer it gets nothing sent in clear), implicit TLS ({@code ssl}, port 465) or plain ({@code
 * none}, for a relay inside the cluster); AUTH when a username is set. Sending blocks, so it runs on a worker
 * thread. A refused login or recipient will not pass by retrying; a connection or server error may.
 */
final class EmailChannel implements Channel {
    private final Vertx vertx;
    private final ScorerConfig.Email config;
    private final long timeoutMillis;
    private final Clock clock;

    EmailChannel(Vertx vertx, ScorerConfig.Email config, java.time.Duration timeout, Clock clock) {
        this.vertx = vertx;
        this.config = config;
        this.timeoutMillis = timeout.toMillis();
        this.clock = clock;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public Future<Void> send(LowGpuReport report) {
        return vertx.executeBlocking(() -> {
            deliver(report);
            return null;
        }, false);
    }

    private void deliver(LowGpuReport report) {
        Session session = Session.getInstance(properties());
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from(), true));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", config.to()), true));
            message.setSubject("[GPU scorer] " + report.title(), StandardCharsets.UTF_8.name());
            message.setText(report.text() + "\n", StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            String protocol = config.security() == ScorerConfig.SmtpSecurity.SSL ? "smtps" : "smtp";
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(config.host(), config.port(), config.username(), config.password());
                transport.sendMessage(message, message.getAllRecipients());
            }
        } catch (AuthenticationFailedException e) {
            throw new Delivery.Failure("the SMTP server " + config.host() + " refused the login of " + config.username(), false);
        } catch (AddressException | SendFailedException e) {
            throw new Delivery.Failure("the SMTP server " + config.host() + " refused an address: " + e.getMessage(), false);
        } catch (MessagingException e) {
            // A server without STARTTLS will not grow it by the next attempt; anything else (connection, 4xx) may pass.
            boolean retryable = e.getMessage() == null || !e.getMessage().contains("STARTTLS");
            throw new Delivery.Failure("cannot send e-mail through " + config.host() + ":" + config.port() + ": " + e.getMessage(),
                    retryable);
        }
    }

    /** Jakarta Mail's session settings: one prefix per protocol, so {@code smtps} gets its own. */
    Properties properties() {
        String p = config.security() == ScorerConfig.SmtpSecurity.SSL ? "mail.smtps." : "mail.smtp.";
        Properties props = new Properties();
        props.put(p + "host", config.host());
        props.put(p + "port", Integer.toString(config.port()));
        props.put(p + "auth", Boolean.toString(config.username() != null));
        props.put(p + "connectiontimeout", Long.toString(timeoutMillis));
        props.put(p + "timeout", Long.toString(timeoutMillis));
        props.put(p + "writetimeout", Long.toString(timeoutMillis));
        if (config.security() == ScorerConfig.SmtpSecurity.STARTTLS) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        if (config.security() != ScorerConfig.SmtpSecurity.NONE) {
            if (config.sslTrust() == null) {
                props.put(p + "ssl.checkserveridentity", "true"); // the certificate must name the host we asked for
            } else {
                // An operator's explicit choice for an internal relay with its own certificate: trusted as it is, name included.
                props.put(p + "ssl.trust", config.sslTrust());
                props.put(p + "ssl.checkserveridentity", "false");
            }
        }
        return props;
    }
}

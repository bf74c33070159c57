package io.hotpath.mail;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Sends e-mail with Jakarta Mail (Angus) over SMTP on the blocking-I/O worker pool; without an SMTP
 * host (the embedded default) each message is written to an outbox folder as an .eml file instead.
 * Message ids are derived from the job, so a re-run job re-sends the same message (receivers and
 * the outbox deduplicate on it).
 */
public final class Mailer {
  /** Where to send: an SMTP server (user and password null without authentication). */
  public record Smtp(String host, int port, String user, String password, String from) {
    /** The SMTP server of the settings, or empty when mail goes to the outbox. */
    public static java.util.Optional<Smtp> of(io.hotpath.config.Config.Mail m) {
      return m.smtpHost()
          .map(
              h ->
                  new Smtp(
                      h,
                      m.smtpPort(),
                      m.smtpUser().orElse(null),
                      m.smtpPassword().orElse(null),
                      m.from()));
    }
  }

  private final WorkerExecutor io;
  private final java.util.Optional<Smtp> smtp;
  private final Path outbox;
  private final Session session;

  /** Mail through {@code smtp}, or written to {@code outbox} when there is none. */
  public Mailer(WorkerExecutor io, java.util.Optional<Smtp> smtp, Path outbox) {
    this.io = io;
    this.smtp = smtp;
    this.outbox = outbox;
    var props = new Properties();
    smtp.ifPresent(
        server -> {
          props.put("mail.smtp.host", server.host());
          props.put("mail.smtp.port", Integer.toString(server.port()));
          props.put("mail.smtp.connectiontimeout", "5000");
          props.put("mail.smtp.timeout", "10000");
          if (server.user() != null) {
            props.put("mail.smtp.auth", "true");
          }
        });
    this.session = Session.getInstance(props);
  }

  /**
   * Sends (or writes to the outbox) one plain-text message; {@code messageId} makes it idempotent.
   */
  public Future<Void> send(String to, String subject, String text, String messageId) {
    return io.executeBlocking(
        () -> {
          MimeMessage m =
              new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                  setHeader("Message-ID", "<" + messageId + "@hotpath>");
                }
              };
          m.setFrom(new InternetAddress(smtp.map(Smtp::from).orElse("hotpath@localhost")));
          m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
          m.setSubject(subject, "UTF-8");
          m.setText(text, "UTF-8");
          m.saveChanges();
          if (smtp.isEmpty()) {
            writeToOutbox(m, messageId);
          } else if (smtp.get().user() != null) {
            Transport.send(m, smtp.get().user(), smtp.get().password());
          } else {
            Transport.send(m);
          }
          return null;
        },
        false);
  }

  private void writeToOutbox(MimeMessage m, String messageId)
      throws IOException, MessagingException {
    Files.createDirectories(outbox);
    Path tmp = Files.createTempFile(outbox, "mail", ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      m.writeTo(out);
    }
    Files.move(
        tmp,
        outbox.resolve(messageId + ".eml"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}

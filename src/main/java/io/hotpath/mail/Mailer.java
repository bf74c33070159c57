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
  /** Where to send: an SMTP server, or null for the outbox. */
  public record Smtp(String host, int port, String user, String password, String from) {}

  private final WorkerExecutor io;
  private final Smtp smtp;
  private final Path outbox;
  private final Session session;

  public Mailer(WorkerExecutor io, Smtp smtp, Path outbox) {
    this.io = io;
    this.smtp = smtp;
    this.outbox = outbox;
    var props = new Properties();
    if (smtp != null) {
      props.put("mail.smtp.host", smtp.host());
      props.put("mail.smtp.port", Integer.toString(smtp.port()));
      props.put("mail.smtp.connectiontimeout", "5000");
      props.put("mail.smtp.timeout", "10000");
      if (smtp.user() != null) {
        props.put("mail.smtp.auth", "true");
      }
    }
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
          m.setFrom(new InternetAddress(smtp == null ? "hotpath@localhost" : smtp.from()));
          m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
          m.setSubject(subject, "UTF-8");
          m.setText(text, "UTF-8");
          m.saveChanges();
          if (smtp == null) {
            writeToOutbox(m, messageId);
          } else if (smtp.user() != null) {
            Transport.send(m, smtp.user(), smtp.password());
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

package io.hotpath.mail;

import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.vertx.core.Future;

/** The {@code email.welcome} job: a welcome message to a newly registered user. */
public final class WelcomeMail implements JobHandler {
  public static final String KIND = "email.welcome";
  private final Mailer mailer;

  public WelcomeMail(Mailer mailer) {
    this.mailer = mailer;
  }

  @Override
  public Future<Void> handle(Job job) {
    String username = job.payload().getString("username");
    return mailer.send(
        job.payload().getString("email"),
        "Welcome to Conduit, " + username,
        "Hi "
            + username
            + ",\n\nwelcome to Conduit. Write your first article, follow a few authors, and enjoy.\n",
        "welcome-" + job.id());
  }
}

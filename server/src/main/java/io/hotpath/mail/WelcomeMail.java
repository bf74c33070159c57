package io.hotpath.mail;

import io.hotpath.db.Sql;
import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The {@code email.welcome} job: a welcome message to a newly registered user. */
public final class WelcomeMail implements JobHandler {
  public static final String KIND = "email.welcome";
  private final Mailer mailer;

  public WelcomeMail(Mailer mailer) {
    this.mailer = mailer;
  }

  /** Queues the welcome message for a new user, in the registration's transaction {@code tx}. */
  public static Future<Void> enqueue(
      JobQueue jobs, Sql tx, long userId, String email, String username) {
    return jobs.enqueue(
            tx,
            KIND,
            new JsonObject().put("userId", userId).put("email", email).put("username", username))
        .mapEmpty();
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

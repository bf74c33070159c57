package io.hotpath.article;

import io.hotpath.http.Answer;
import io.hotpath.http.Fingerprint;
import io.hotpath.social.ProfileCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Article views for one viewer: built in SQL already ({@link Built}, CACHE=off), or assembled from
 * cached cores and profiles ({@link Assembled}), which know their versions before any view is
 * built, so the HTTP layer can answer from kept bytes or with a 304.
 */
sealed interface Views {
  /** The views, in order. */
  List<ArticleView> list();

  /** Whether there are no views (without building them). */
  boolean isEmpty();

  /** An answer whose body is {@code body} applied to the views. */
  Answer answer(Fingerprint.Kind kind, long extra, Function<List<ArticleView>, Object> body);

  record Built(List<ArticleView> list) implements Views {
    @Override
    public boolean isEmpty() {
      return list.isEmpty();
    }

    @Override
    public Answer answer(
        Fingerprint.Kind kind, long extra, Function<List<ArticleView>, Object> body) {
      return Answer.of(body.apply(list));
    }
  }

  /**
   * Cores whose author is known, in order, with the viewer's flags; {@code withBody} for a single
   * article.
   */
  record Assembled(
      List<ArticleCore> cores,
      Map<Long, ProfileCore> authors,
      Set<Long> favorited,
      Set<Long> following,
      boolean withBody)
      implements Views {

    @Override
    public boolean isEmpty() {
      return cores.isEmpty();
    }

    @Override
    public List<ArticleView> list() {
      var out = new ArrayList<ArticleView>(cores.size());
      for (ArticleCore c : cores) {
        ProfileCore a = authors.get(c.authorId());
        out.add(c.view(withBody, favorited.contains(c.id()), a.view(following.contains(a.id()))));
      }
      return out;
    }

    /**
     * Everything the views depend on: each article's id and row version, its author's id and row
     * version, and the two flags; {@code extra} is the rest of the body (a count).
     */
    @Override
    public Answer answer(
        Fingerprint.Kind kind, long extra, Function<List<ArticleView>, Object> body) {
      var f = Fingerprint.of(kind).add(extra).add(cores.size());
      for (ArticleCore c : cores) {
        ProfileCore a = authors.get(c.authorId());
        f.add(c.id())
            .add(c.version())
            .add(a.id())
            .add(a.version())
            .add(favorited.contains(c.id()))
            .add(following.contains(a.id()));
      }
      return Answer.versioned(f, () -> body.apply(list()));
    }
  }
}

package io.hotpath.article;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Renders article bodies (Markdown) to sanitised HTML on the CPU worker pool, never on an event
 * loop, and caches the result by article version (slug and updatedAt), so an edit renders once.
 * Sanitising: raw HTML in the Markdown is escaped, and link and image URLs keep only the http,
 * https and mailto schemes (or none: relative); anything else (javascript:, data:, vbscript:,
 * file:, ...) is dropped by commonmark's URL sanitiser.
 */
final class Markdown {
  private static final Parser PARSER = Parser.builder().build();
  private static final HtmlRenderer RENDERER =
      HtmlRenderer.builder()
          .escapeHtml(true)
          .sanitizeUrls(true)
          .urlSanitizer(new DefaultUrlSanitizer(List.of("http", "https", "mailto")))
          .build();

  private final WorkerExecutor cpu;
  private final Cache<String, String> rendered = Caffeine.newBuilder().maximumSize(10_000).build();

  Markdown(WorkerExecutor cpu) {
    this.cpu = cpu;
  }

  /** The article with {@code bodyHtml} filled in. */
  Future<ArticleView> withHtml(ArticleView a) {
    String key = a.slug() + "@" + a.updatedAt();
    String cached = rendered.getIfPresent(key);
    Future<String> html =
        cached != null
            ? Future.succeededFuture(cached)
            : cpu.executeBlocking(() -> render(a.body()), false)
                .andThen(
                    ar -> {
                      if (ar.succeeded()) {
                        rendered.put(key, ar.result());
                      }
                    });
    return html.map(
        h ->
            new ArticleView(
                a.slug(),
                a.title(),
                a.description(),
                a.body(),
                h,
                a.tagList(),
                a.createdAt(),
                a.updatedAt(),
                a.favorited(),
                a.favoritesCount(),
                a.author()));
  }

  static String render(String markdown) {
    return RENDERER.render(PARSER.parse(markdown));
  }
}

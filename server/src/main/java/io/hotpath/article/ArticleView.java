package io.hotpath.article;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hotpath.social.ProfileView;
import java.util.List;

/**
 * An article as the API returns it; {@code body} is omitted in lists, {@code bodyHtml} unless asked
 * for.
 */
public record ArticleView(
    String slug,
    String title,
    String description,
    @JsonInclude(JsonInclude.Include.NON_NULL) String body,
    @JsonInclude(JsonInclude.Include.NON_NULL) String bodyHtml,
    List<String> tagList,
    String createdAt,
    String updatedAt,
    boolean favorited,
    int favoritesCount,
    ProfileView author) {}

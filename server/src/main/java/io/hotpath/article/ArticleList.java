package io.hotpath.article;

import java.util.List;

/** A page of articles and the total number matching the filter. */
public record ArticleList(List<ArticleView> articles, long articlesCount) {}

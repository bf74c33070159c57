package io.hotpath.jobs;

import io.vertx.core.json.JsonObject;

/**
 * A claimed job: what to do ({@code kind}, {@code payload}), which attempt this is, and the request
 * that caused it.
 */
public record Job(
    long id, String kind, JsonObject payload, int attempts, int maxAttempts, String requestId) {}

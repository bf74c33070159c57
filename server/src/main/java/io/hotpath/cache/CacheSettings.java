package io.hotpath.cache;

import java.time.Duration;

/** Sizes and lifetimes of one cache. */
public record CacheSettings(
    long l1MaxEntries, Duration l1Ttl, Duration ttl, Duration negativeTtl) {}

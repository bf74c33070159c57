package io.hotpath.kernel;

import java.util.HashSet;
import java.util.Set;

/** Sets of ids as the caches store them (sorted long arrays) and as callers test them. */
public final class Ids {
  private Ids() {}

  /** The ids as a set, for membership tests (e.g. "does the viewer follow this author?"). */
  public static Set<Long> toSet(long[] ids) {
    var s = new HashSet<Long>(ids.length * 2);
    for (long id : ids) {
      s.add(id);
    }
    return s;
  }
}

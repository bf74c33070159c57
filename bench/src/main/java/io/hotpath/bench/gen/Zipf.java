package io.hotpath.bench.gen;

import java.util.SplittableRandom;

/**
 * Zipf-distributed picks over {@code n} items (rank r has weight 1/r^s) through a precomputed CDF
 * and binary search; ranks are mapped to ids by a random permutation so popularity does not follow
 * id order (popular articles are not all the oldest).
 */
final class Zipf {
  private final double[] cdf;
  private final int[] idOfRank;

  Zipf(int n, double s, SplittableRandom random) {
    cdf = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1.0 / Math.pow(r + 1, s);
      cdf[r] = sum;
    }
    for (int r = 0; r < n; r++) {
      cdf[r] /= sum;
    }
    idOfRank = new int[n];
    for (int i = 0; i < n; i++) {
      idOfRank[i] = i + 1;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = idOfRank[i];
      idOfRank[i] = idOfRank[j];
      idOfRank[j] = t;
    }
  }

  /** A 1-based id, popular ones more often. */
  int next(SplittableRandom random) {
    double u = random.nextDouble();
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return idOfRank[lo];
  }
}

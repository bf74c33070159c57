package io.hotpath.kernel;

/**
 * A field of a partial update: {@code present} false means "leave unchanged"; a present null clears
 * it.
 */
public record Patch<T>(boolean present, T value) {
  private static final Patch<?> ABSENT = new Patch<>(false, null);

  /** The field was not sent. */
  @SuppressWarnings("unchecked")
  public static <T> Patch<T> absent() {
    return (Patch<T>) ABSENT;
  }

  /** The field was sent with this value (possibly null). */
  public static <T> Patch<T> of(T value) {
    return new Patch<>(true, value);
  }

  /** This patch with its value transformed, still absent if absent. */
  public <R> Patch<R> map(java.util.function.Function<T, R> f) {
    return present ? Patch.of(f.apply(value)) : Patch.absent();
  }
}

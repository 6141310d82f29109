package dev.avatarmigrate.engine;

/**
 * What the sweep did with the rows of one legacy path whose object had already moved to the target: rewrote
 * them, counted them (a dry run), or could not rewrite them ({@code failure} says why; the rows are left).
 *
 * @param rows the rows rewritten, or to rewrite in a dry run; 0 when failed
 */
public record OrphanRows(String oldPath, String newPath, int rows, boolean planned, String failure) {

  static OrphanRows failed(PathRewrite r, String failure) {
    return new OrphanRows(r.oldPath(), r.newPath(), 0, false, failure);
  }

  public boolean failed() {
    return failure != null;
  }
}

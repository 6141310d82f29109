package dev.avatarmigrate.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Replicas for the engine's tests: what they still show is the test's {@link Answer}; the primary's position is
 * "0-1-N", N counting the reads of it, and the asks are counted too.
 */
final class FakeReplicas implements Replicas {

  /** The paths a replica still shows, each with its name (as {@link Replicas#notYetShowing}). */
  interface Answer {
    Map<String, String> notYetShowing(Collection<String> paths, String position);
  }

  private final Answer answer;
  private int positionsRead;
  private int asked;

  FakeReplicas(Answer answer) {
    this.answer = answer;
  }

  synchronized int positionsRead() {
    return positionsRead;
  }

  synchronized int asked() {
    return asked;
  }

  @Override
  public boolean any() {
    return true;
  }

  @Override
  public List<String> check() {
    return List.of();
  }

  @Override
  public synchronized String primaryPosition() {
    return "0-1-" + ++positionsRead;
  }

  @Override
  public synchronized Map<String, String> notYetShowing(Collection<String> paths, String position) {
    asked++;
    return answer.notYetShowing(paths, position);
  }

  @Override
  public void close() {}
}

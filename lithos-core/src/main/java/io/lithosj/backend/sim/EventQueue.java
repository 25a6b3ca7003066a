package io.lithosj.backend.sim;

import java.util.Arrays;

/**
 * A 4-ary min-heap of events in primitive arrays (no allocation per event; half the levels of a
 * binary heap, and a node's children share a cache line). Ties in time are
 * broken by insertion order, which keeps the simulation deterministic bit for bit.
 * An event is a (kind, payload) pair of ints; the simulator interprets them.
 */
final class EventQueue {
  private double[] time = new double[1024];
  private long[] seq = new long[1024];
  private int[] kind = new int[1024];
  private int[] payload = new int[1024];
  private int size;
  private long nextSeq;

  int size() { return size; }
  /** Insertion number of the event pushed last (-1 before any): equal at two calls = nothing pushed between. */
  long lastSeq() { return nextSeq - 1; }
  boolean isEmpty() { return size == 0; }
  double peekTime() { return time[0]; }
  int peekKind() { return kind[0]; }
  int peekPayload() { return payload[0]; }

  void push(double t, int k, int p) {
    if (size == time.length) grow();
    int i = size++;
    long s = nextSeq++;
    // sift up
    while (i > 0) {
      int parent = (i - 1) >>> 2;
      if (!less(t, s, time[parent], seq[parent])) break;
      move(parent, i);
      i = parent;
    }
    time[i] = t;
    seq[i] = s;
    kind[i] = k;
    payload[i] = p;
  }

  /** Removes the earliest event; read it with the peek methods first. */
  void pop() {
    int last = --size;
    if (last == 0) return;
    double t = time[last];
    long s = seq[last];
    int k = kind[last];
    int p = payload[last];
    int i = 0;
    while (true) {
      int first = 4 * i + 1;
      if (first >= last) break;
      int c = first;
      int end = Math.min(first + 4, last);
      for (int j = first + 1; j < end; j++) if (less(time[j], seq[j], time[c], seq[c])) c = j;
      if (!less(time[c], seq[c], t, s)) break;
      move(c, i);
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    kind[i] = k;
    payload[i] = p;
  }

  private static boolean less(double t1, long s1, double t2, long s2) {
    return t1 < t2 || (t1 == t2 && s1 < s2);
  }

  private void move(int from, int to) {
    time[to] = time[from];
    seq[to] = seq[from];
    kind[to] = kind[from];
    payload[to] = payload[from];
  }

  private void grow() {
    int n = time.length * 2;
    time = Arrays.copyOf(time, n);
    seq = Arrays.copyOf(seq, n);
    kind = Arrays.copyOf(kind, n);
    payload = Arrays.copyOf(payload, n);
  }
}

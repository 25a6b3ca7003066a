package io.lithosj.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.PriorityQueue;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class EventQueueTest {
  /** Pops come in (time, insertion) order, as from a reference priority queue; ties are common (few distinct times). */
  @Property
  void popsInTimeThenInsertionOrder(@ForAll @Size(max = 300) List<@IntRange(min = -1, max = 20) Integer> ops) {
    EventQueue q = new EventQueue();
    PriorityQueue<long[]> ref = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long seq = 0;
    for (int op : ops) {
      if (op < 0 || op % 3 == 0) { // pop
        if (ref.isEmpty()) continue;
        long[] want = ref.poll();
        assertEquals((double) want[0], q.peekTime());
        assertEquals((int) want[1], q.peekPayload());
        q.pop();
      } else {
        q.push(op, 0, (int) seq);
        ref.add(new long[] {op, seq++});
      }
      assertEquals(ref.size(), q.size());
    }
  }
}

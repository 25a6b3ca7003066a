package io.lithosj.jupyter;

import io.lithosj.progress.ProgressListener;
import io.lithosj.progress.ProgressState;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of long work in a cell as one display updated in place: the first state is a display_data
 * message with a display id, later states update_display_data messages with the same id (the front end
 * replaces the output), so a sweep of 40 runs leaves one line, not 40. Worker threads only record the
 * latest state; the kernel sends it from {@link #pump}, which runs with the cell's printed output (every
 * few tens of milliseconds and before anything the cell shows), so messages go out from one place in order.
 */
final class ProgressDisplays {
    private final KernelIO io;
    private final List<Live> live = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final String session = Long.toHexString(System.nanoTime());

    ProgressDisplays(KernelIO io) {
        this.io = io;
    }

    /** A listener whose states the running cell shows; silent when no cell runs (e.g. startup). */
    ProgressListener open(String label) {
        if (!io.display.isAttached()) return ProgressListener.NONE;
        Live l = new Live("lithos-progress-" + session + "-" + ids.incrementAndGet());
        live.add(l);
        return l;
    }

    /** Sends each display's newest state, if it changed; forgets a display once its final state is out. */
    synchronized void pump() {
        if (!io.display.isAttached()) return;
        for (Live l : live) {
            ProgressState s = l.pending;
            if (s == null || s == l.sent) continue;
            DisplayData d = render(s);
            if (l.sent == null) {
                d.setDisplayId(l.id);
                io.display.display(d);
            } else {
                io.display.updateDisplay(l.id, d);
            }
            l.sent = s;
            if (s.over()) live.remove(l);
        }
    }

    /** At the end of a cell: sends what is pending and drops displays of work that failed or was interrupted. */
    synchronized void endCell() {
        pump();
        live.clear();
    }

    static DisplayData render(ProgressState s) {
        String text = s.toString();
        DisplayData d = new DisplayData(text);
        d.putHTML(String.format(Locale.ROOT,
                "<div style=\"font-family:monospace\"><progress value=\"%.4f\" max=\"1\" style=\"width:16em\"></progress> %s</div>",
                s.fraction(), escape(text)));
        return d;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private final class Live implements ProgressListener {
        final String id;
        volatile ProgressState pending;
        ProgressState sent; // guarded by ProgressDisplays.this

        Live(String id) {
            this.id = id;
        }

        @Override
        public void onProgress(ProgressState state) {
            pending = state;
            if (state.over()) pump(); // the end shows before whatever the cell does next
        }
    }
}

package io.lithosj.jupyter.eval;

/**
 * Hands the object of a cell's last expression from cell code to the kernel. JShell reports values only as
 * strings, so the evaluator runs {@code ValueCapture.put($7)} after an expression and takes the object
 * here. Public because cell code calls it; both sides share this class through the system class loader.
 */
public final class ValueCapture {
    private static volatile Object value;

    private ValueCapture() {}

    public static void put(Object v) { value = v; }

    static Object take() {
        Object v = value;
        value = null;
        return v;
    }
}

package io.lithosj.jupyter;

import io.lithosj.jupyter.display.Renderers;
import io.lithosj.jupyter.eval.Cell;
import io.lithosj.jupyter.eval.CellEvaluator;
import io.lithosj.jupyter.eval.CellFailure;
import io.lithosj.jupyter.eval.CodeAssist;
import io.lithosj.jupyter.magic.Magics;
import io.lithosj.progress.AmbientProgress;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;

/**
 * The LithOS-J Jupyter kernel: Java cells run in JShell inside this JVM, with lithos-core on the class path
 * and the toolkit's packages imported. The jjava base library speaks the wire protocol; this class decides
 * what a cell means, how its result is shown and how its failure reads.
 */
public final class LithosKernel extends BaseKernel {
    /** How often text a running cell printed is sent to the notebook. */
    static final long OUTPUT_FLUSH_MS = 50;

    /** Label of snippets that come from the startup scripts. */
    static final String STARTUP_LABEL = "startup";

    private final KernelIO kio;
    private final CellEvaluator evaluator;
    private final CodeAssist assist;
    private final Magics magics;
    private final List<String> startupWarnings;
    private boolean startupWarned;
    private final ProgressDisplays progress;
    private final BatchedOutput cellOut;
    private final BatchedOutput cellErr;
    private final PrintStream cellOutStream;
    private final PrintStream cellErrStream;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lithos-output-flusher");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param log the process's own stderr (the Jupyter server log), for the kernel's remarks
     */
    public LithosKernel(PrintStream log) {
        this(new KernelIO(), log);
    }

    private LithosKernel(KernelIO io, PrintStream log) {
        super("lithos-java", KernelMain.version(),
                new LanguageInfo.Builder("java")
                        .version(Runtime.version().toString())
                        .mimetype("text/x-java-source")
                        .fileExtension(".jshell")
                        .pygments("java")
                        .codemirror("text/x-java")
                        .build(),
                List.of(new HelpLink("JShell guide", "https://docs.oracle.com/en/java/javase/17/jshell/"),
                        new HelpLink("XChart", "https://knowm.org/open-source/xchart/"),
                        new HelpLink("Tablesaw", "https://jtablesaw.github.io/tablesaw/")),
                null, io, new CommManager(), new Renderer(), null, null, false,
                new StringStyler.Builder().build());
        this.kio = io;
        this.cellOut = new BatchedOutput(io.out);
        this.cellErr = new BatchedOutput(io.err);
        this.cellOutStream = new PrintStream(cellOut, true, StandardCharsets.UTF_8);
        this.cellErrStream = new PrintStream(cellErr, true, StandardCharsets.UTF_8);
        this.progress = new ProgressDisplays(io);
        AmbientProgress.install(progress::open); // Sweep.run and Runner.run in a cell show their progress
        flusher.scheduleWithFixedDelay(this::drainOutput, OUTPUT_FLUSH_MS, OUTPUT_FLUSH_MS, TimeUnit.MILLISECONDS);
        Renderers.registerAll(renderer);
        this.evaluator = new CellEvaluator(cellErrStream); // its remarks are about cells: the cell shows them
        this.assist = new CodeAssist(evaluator);
        this.magics = new Magics(evaluator, cellOutStream, this::runCell);
        this.startupWarnings = runStartup();
        startupWarnings.forEach(w -> log.println("lithos-java kernel: " + w));
    }

    /** The kernel serving the notebook, or null outside one (e.g. plain jshell). */
    static LithosKernel running() {
        return BaseKernel.notebookKernel instanceof LithosKernel k ? k : null;
    }

    /** Evaluates the startup scripts snippet by snippet; an import that fails is reported, not fatal. */
    private List<String> runStartup() {
        List<String> warnings = new ArrayList<>();
        for (StartupScripts.Script script : StartupScripts.load()) {
            Cell cell = Cell.parse(STARTUP_LABEL, script.text());
            for (Cell.Part part : cell.parts()) {
                if (!(part instanceof Cell.Code code)) continue;
                for (Cell.Code line : StartupScripts.statements(code)) {
                    try {
                        evaluator.run(STARTUP_LABEL, line);
                    } catch (CellFailure f) {
                        warnings.add(script.name() + " line " + line.firstLine() + ": " + line.text().strip()
                                + " failed: " + f.evalue());
                    }
                }
            }
        }
        return warnings;
    }

    public List<String> startupWarnings() {
        return startupWarnings;
    }

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        boolean store = request.shouldStoreHistory() && !request.isSilent();
        int count = store ? executionCount.getAndIncrement() : executionCount.get();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));

        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        System.setOut(cellOutStream);
        System.setErr(cellErrStream);
        System.setIn(io.in);
        kio.attach(env, request.isStdinEnabled());
        try {
            warnStartupOnce();
            CellEvaluator.Value value = runCell("In[" + count + "]", request.getCode());
            if (shows(value) && !request.isSilent()) {
                DisplayData shown = value.object() instanceof DisplayData d ? d : renderResult(value.object());
                drainOutput();
                env.publish(new PublishExecuteResult(count, shown));
            }
            drainOutput();
            env.reply(new ExecuteReply(count, Map.of()));
        } catch (CellFailure f) {
            replyFailure(env, count, f);
        } catch (RuntimeException | Error e) { // a kernel fault: answer anyway, so the front end does not hang
            replyFailure(env, count, new CellFailure(e.getClass().getName(), String.valueOf(e.getMessage()),
                    formatError(e)));
        } finally {
            drainOutput();
            progress.endCell();
            kio.detach(env);
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    private DisplayData renderResult(Object value) throws CellFailure {
        try {
            return renderer.render(value);
        } catch (RuntimeException e) {
            throw new CellFailure(e.getClass().getName(), "could not display the cell's value: " + e.getMessage(),
                    formatError(e));
        }
    }

    /**
     * A result worth showing: not null, and not the cell's own output stream, which is what
     * {@code System.out.printf(...)} as a last line evaluates to.
     */
    private boolean shows(CellEvaluator.Value value) {
        Object o = value.object();
        return value.present() && o != null && o != cellOutStream && o != cellErrStream;
    }

    /** Sends what the running cell printed; called before anything else the cell shows, to keep the order. */
    private void drainOutput() {
        cellOut.drain();
        cellErr.drain();
        progress.pump();
    }

    @Override
    public void display(DisplayData data) {
        drainOutput();
        super.display(data);
    }

    private void replyFailure(ShellReplyEnvironment env, int count, CellFailure f) {
        drainOutput();
        env.publish(new PublishError(f.ename(), f.evalue(), f.traceback()));
        ErrorReply reply = new ErrorReply(f.ename(), f.evalue(), f.traceback());
        reply.setExecutionCount(count);
        env.replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }

    private void warnStartupOnce() {
        if (startupWarned || startupWarnings.isEmpty()) return;
        startupWarned = true;
        startupWarnings.forEach(w -> cellErrStream.println("warning: " + w));
    }

    /**
     * Runs a cell's code, magics and commands in order; the value is the last part's: a snippet's if that was an
     * expression, the code's of %time, %%time and %load.
     */
    CellEvaluator.Value runCell(String label, String code) throws CellFailure {
        CellEvaluator.Value last = new CellEvaluator.Value(false, null);
        for (Cell.Part part : Cell.parse(label, code).parts()) {
            if (part instanceof Cell.Code c) {
                last = evaluator.run(label, c);
            } else if (part instanceof Cell.Magic m) {
                last = magics.run(label, m);
            } else if (part instanceof Cell.CellMagic m) {
                last = magics.run(label, m);
            } else {
                magics.run(label, (Cell.Command) part);
                last = new CellEvaluator.Value(false, null);
            }
        }
        return last;
    }

    @Override
    public Object evalRaw(String source) {
        if (evaluator.isRunning()) {
            throw new IllegalStateException("eval cannot be called from inside a running cell");
        }
        try {
            return runCell("eval", source).object();
        } catch (CellFailure f) {
            throw new IllegalStateException(f.getMessage());
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return assist.inspect(code, at, extraDetail).map(DisplayData::new).orElse(null);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        CodeAssist.Completion c = assist.complete(code, at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    @Override
    public String isComplete(String code) {
        return assist.isComplete(code);
    }

    @Override
    public void interrupt() {
        evaluator.stop();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        flusher.shutdownNow();
        evaluator.stop();
        evaluator.close();
        super.onShutdown(isRestarting);
    }
}

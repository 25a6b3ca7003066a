package io.lithosj.jupyter;

import io.lithosj.jupyter.install.KernelSpecInstaller;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code java -jar lithos-jupyter.jar install | kernel <connection-file>}. */
@Command(name = "lithos-jupyter", mixinStandardHelpOptions = true, versionProvider = KernelMain.Version.class,
        description = "Jupyter kernel for Java (JShell) with the LithOS-J toolkit.",
        subcommands = {KernelMain.Install.class, KernelMain.Run.class})
public final class KernelMain implements Runnable {

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // the kernel's own log: warnings only, to the stderr it started with (cells get System.err redirected)
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.cacheOutputStream", "true");
        System.exit(new CommandLine(new KernelMain()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static String version() {
        String v = KernelMain.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"lithos-jupyter " + version() + " (Java " + Runtime.version() + ")"};
        }
    }

    @Command(name = "kernel", description = "Run the kernel for a Jupyter connection file (Jupyter calls this).")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONNECTION_FILE") Path connectionFile;

        @Override
        public Integer call() throws Exception {
            PrintStream log = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
            KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(connectionFile));
            LithosKernel kernel = new LithosKernel(log);
            JupyterConnection connection = new JupyterConnection(props);
            kernel.becomeHandlerForConnection(connection);
            kernel.onStartup();
            connection.connect();
            connection.waitUntilClose();
            // user code may have left threads behind (timers, AWT); the kernel's life ends with its connection
            System.exit(0);
            return 0;
        }
    }

    @Command(name = "install", description = {
            "Install the Jupyter kernelspec 'lithos-java' pointing at this jar.",
            "Default: the user's Jupyter data dir (like jupyter kernelspec install --user)."})
    static final class Install implements Callable<Integer> {
        @Option(names = "--user", description = "Install for this user (default).") boolean user;
        @Option(names = "--prefix", paramLabel = "DIR", description = "Install into DIR/share/jupyter/kernels (e.g. a venv or /usr/local).") Path prefix;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Install into DIR/kernels; DIR is then an entry of JUPYTER_PATH.") Path dataDir;
        @Option(names = "--name", defaultValue = KernelSpecInstaller.DEFAULT_NAME, description = "Kernelspec name (default: ${DEFAULT-VALUE}).") String name;
        @Option(names = "--display-name", defaultValue = KernelSpecInstaller.DEFAULT_DISPLAY_NAME, description = "Name shown in Jupyter (default: ${DEFAULT-VALUE}).") String displayName;
        @Option(names = "--java", paramLabel = "JAVA", description = "java executable for the kernel (default: the one running this command).") Path java;
        @Option(names = "-J", paramLabel = "JVM_OPTION", description = "Extra JVM option for the kernel, e.g. -J-Xmx8g (repeatable).") List<String> jvmOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            int chosen = (user ? 1 : 0) + (prefix != null ? 1 : 0) + (dataDir != null ? 1 : 0);
            if (chosen > 1) throw new CommandLine.ParameterException(new CommandLine(this), "choose one of --user, --prefix, --data-dir");
            Path kernelsDir = prefix != null ? KernelSpecInstaller.kernelsDirOfPrefix(prefix)
                    : dataDir != null ? dataDir.resolve("kernels")
                    : KernelSpecInstaller.userDataDir().resolve("kernels");
            KernelSpecInstaller installer = new KernelSpecInstaller(name, displayName,
                    java != null ? java : KernelSpecInstaller.currentJava(), jvmOptions, KernelSpecInstaller.ownClassPath());
            Path dir = installer.install(kernelsDir);
            System.out.println("Installed kernelspec '" + name + "' (" + displayName + ") in " + dir);
            System.out.println("  kernel: " + String.join(" ", installer.argv()));
            System.out.println("Check with: jupyter kernelspec list");
            return 0;
        }
    }
}

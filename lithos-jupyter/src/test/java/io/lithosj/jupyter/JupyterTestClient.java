package io.lithosj.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Jupyter client written against the wire protocol (v5.3) with JeroMQ, independent of the kernel's own
 * protocol classes: it writes a connection file, starts the kernel as Jupyter would, signs its requests
 * with HMAC-SHA256 and checks the signature of everything it receives.
 */
final class JupyterTestClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    /** A signed message as received: header, parent header and content. */
    record Msg(JsonNode header, JsonNode parent, JsonNode content) {
        String type() { return header.path("msg_type").asText(); }
        String parentId() { return parent.path("msg_id").asText(); }
    }

    /** Everything one request produced: the shell reply and the IOPub messages up to "idle". */
    record Exchange(Msg reply, List<Msg> iopub) {
        List<Msg> ofType(String type) { return iopub.stream().filter(m -> m.type().equals(type)).toList(); }
        String status() { return reply.content().path("status").asText(); }
        String stream(String name) {
            StringBuilder sb = new StringBuilder();
            ofType("stream").stream().filter(m -> m.content().path("name").asText().equals(name))
                    .forEach(m -> sb.append(m.content().path("text").asText()));
            return sb.toString();
        }
    }

    private final Process process;
    private final Path kernelLog;
    private final ZContext zmq = new ZContext();
    private final ZMQ.Socket shell;
    private final ZMQ.Socket control;
    private final ZMQ.Socket iopub;
    private final byte[] key;
    private final String session = UUID.randomUUID().toString();

    JupyterTestClient(Path workDir) throws IOException, InterruptedException {
        int[] ports = freePorts(5);
        key = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        ObjectNode conn = JSON.createObjectNode()
                .put("transport", "tcp").put("ip", "127.0.0.1")
                .put("shell_port", ports[0]).put("iopub_port", ports[1]).put("stdin_port", ports[2])
                .put("control_port", ports[3]).put("hb_port", ports[4])
                .put("signature_scheme", "hmac-sha256").put("key", new String(key, StandardCharsets.US_ASCII));
        Path connFile = workDir.resolve("kernel-connection.json");
        Files.writeString(connFile, JSON.writeValueAsString(conn));
        kernelLog = workDir.resolve("kernel-stderr.log");

        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Djava.awt.headless=true", "-XX:TieredStopAtLevel=1",
                "-cp", classPath, "io.lithosj.jupyter.KernelMain", "kernel", connFile.toString())
                .directory(workDir.toFile())
                .redirectOutput(workDir.resolve("kernel-stdout.log").toFile())
                .redirectError(kernelLog.toFile())
                .start();

        shell = connect(SocketType.DEALER, ports[0]);
        iopub = connect(SocketType.SUB, ports[1]);
        iopub.subscribe(new byte[0]);
        control = connect(SocketType.DEALER, ports[3]);
        waitUntilReady();
    }

    private ZMQ.Socket connect(SocketType type, int port) {
        ZMQ.Socket s = zmq.createSocket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(200);
        s.connect("tcp://127.0.0.1:" + port);
        return s;
    }

    /**
     * As jupyter_client does: ask kernel_info until a reply comes and IOPub is seen to be subscribed
     * (a SUB socket drops what was published before it joined).
     */
    private void waitUntilReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("kernel exited at start:\n" + kernelLog());
            String id = send(shell, "kernel_info_request", JSON.createObjectNode());
            Msg reply = receive(shell, 3000);
            if (reply == null) continue;
            long iopubDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() < iopubDeadline) {
                Msg m = receive(iopub, 100);
                if (m != null && m.parentId().equals(id)) {
                    drainIopub();
                    return;
                }
            }
        }
        throw new IllegalStateException("kernel not ready in 25 s:\n" + kernelLog());
    }

    private void drainIopub() {
        while (receive(iopub, 100) != null) { /* discard */ }
    }

    String kernelLog() {
        try {
            return Files.exists(kernelLog) ? Files.readString(kernelLog) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    Process process() { return process; }

    /** Sends an execute_request and waits for its reply and its IOPub "idle". */
    Exchange execute(String code) {
        return request(shell, "execute_request", JSON.createObjectNode().put("code", code).put("silent", false)
                .put("store_history", true).set("user_expressions", JSON.createObjectNode()), 20_000);
    }

    String sendExecute(String code) {
        ObjectNode content = JSON.createObjectNode().put("code", code).put("silent", false).put("store_history", true)
                .put("allow_stdin", false);
        return send(shell, "execute_request", content);
    }

    Exchange request(ZMQ.Socket socket, String type, JsonNode content, long timeoutMs) {
        String id = send(socket, type, content);
        return await(socket, id, timeoutMs);
    }

    Exchange shellRequest(String type, JsonNode content) { return request(shell, type, content, 10_000); }

    Exchange controlRequest(String type, JsonNode content) { return request(control, type, content, 10_000); }

    /**
     * Collects the reply to {@code id} on {@code socket} and the IOPub messages it caused up to "idle".
     * Messages that belong to other requests are kept for their own await (requests may overlap, e.g.
     * an interrupt sent while a cell runs).
     */
    Exchange await(ZMQ.Socket socket, String id, long timeoutMs) {
        Exchange ex = tryAwait(socket, id, timeoutMs);
        if (ex == null) {
            throw new AssertionError("no complete answer to " + id + " in " + timeoutMs + " ms\nkernel log:\n" + kernelLog());
        }
        return ex;
    }

    /** As {@link #await}, or null after {@code timeoutMs}; what arrived so far is kept for the next call. */
    Exchange tryAwait(ZMQ.Socket socket, String id, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Msg reply = takeBacklog(replies, id);
        List<Msg> published = new ArrayList<>();
        for (Msg m = takeBacklog(iopubBacklog, id); m != null; m = takeBacklog(iopubBacklog, id)) published.add(m);
        boolean idle = published.stream().anyMatch(JupyterTestClient::isIdle);
        while ((reply == null || !idle) && System.currentTimeMillis() < deadline) {
            if (reply == null) {
                Msg r = receive(socket, 20);
                if (r != null && r.parentId().equals(id)) reply = r;
                else if (r != null) replies.add(r);
            }
            Msg m = receive(iopub, 20);
            if (m != null && m.parentId().equals(id)) {
                published.add(m);
                idle |= isIdle(m);
            } else if (m != null) {
                iopubBacklog.add(m);
            }
        }
        if (reply == null || !idle) {
            if (reply != null) replies.add(reply);
            iopubBacklog.addAll(published);
            return null;
        }
        return new Exchange(reply, published);
    }

    private final List<Msg> replies = new ArrayList<>();
    private final List<Msg> iopubBacklog = new ArrayList<>();

    private static Msg takeBacklog(List<Msg> backlog, String parentId) {
        for (int i = 0; i < backlog.size(); i++) {
            if (backlog.get(i).parentId().equals(parentId)) return backlog.remove(i);
        }
        return null;
    }

    private static boolean isIdle(Msg m) {
        return m.type().equals("status") && m.content().path("execution_state").asText().equals("idle");
    }

    ZMQ.Socket shell() { return shell; }

    ZMQ.Socket control() { return control; }

    String send(ZMQ.Socket socket, String type, JsonNode content) {
        String id = UUID.randomUUID().toString();
        ObjectNode header = JSON.createObjectNode().put("msg_id", id).put("session", session).put("username", "test")
                .put("date", Instant.now().toString()).put("msg_type", type).put("version", "5.3");
        byte[][] parts = {bytes(header), "{}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), bytes(content)};
        socket.sendMore(DELIMITER);
        socket.sendMore(sign(parts).getBytes(StandardCharsets.US_ASCII));
        socket.sendMore(parts[0]);
        socket.sendMore(parts[1]);
        socket.sendMore(parts[2]);
        socket.send(parts[3]);
        return id;
    }

    /** One message, or null after {@code timeoutMs}; fails on a bad signature. */
    Msg receive(ZMQ.Socket socket, int timeoutMs) {
        socket.setReceiveTimeOut(timeoutMs);
        byte[] frame = socket.recv();
        if (frame == null) return null;
        socket.setReceiveTimeOut(2000);
        while (!java.util.Arrays.equals(frame, DELIMITER)) frame = socket.recv(); // routing identities
        String signature = socket.recvStr();
        byte[][] parts = new byte[4][];
        for (int i = 0; i < 4; i++) parts[i] = socket.recv();
        while (socket.hasReceiveMore()) socket.recv(); // buffers
        if (!sign(parts).equals(signature)) throw new AssertionError("bad HMAC signature from the kernel");
        try {
            return new Msg(JSON.readTree(parts[0]), JSON.readTree(parts[1]), JSON.readTree(parts[3]));
        } catch (IOException e) {
            throw new AssertionError("kernel sent invalid JSON", e);
        }
    }

    private String sign(byte[][] parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) mac.update(p);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) s.close();
        }
        return ports;
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
        zmq.close();
    }
}

package dev.avatarmigrate.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of an S3 endpoint that injects S3's failures.
 *
 * <p>It forwards every byte unchanged (request line, {@code Host}, SigV4 headers, body), so signatures stay
 * valid; it parses only enough of each message to find where it ends: the head, then a
 * {@code Content-Length} or chunked body. Keep-alive connections stay one-to-one with an upstream connection,
 * so the client's connection pool behaves as it would against S3.
 *
 * <p>For each request it draws one number from a seeded {@link Random} and walks the rules in the order they
 * were added: a rule whose predicate matches the request fires when the draw falls in its share. So one seed
 * gives the same sequence of verdicts, and a rule with probability 1 always fires for what it matches.
 */
public final class FaultyProxy implements AutoCloseable {

  /** What the proxy does instead of (or after) forwarding a request. */
  public enum Fault {
    /** 503 SlowDown, S3's throttling answer. */
    SLOW_DOWN(503, "Slow Down", "SlowDown", "Please reduce your request rate."),
    /** 500 InternalError, S3's "try again". */
    INTERNAL_ERROR(500, "Internal Server Error", "InternalError", "We encountered an internal error. Please try again."),
    /** 403 AccessDenied: permanent for this request, never worth a retry. */
    ACCESS_DENIED(403, "Forbidden", "AccessDenied", "Access Denied"),
    /** The connection is closed before the request reaches S3: nothing happened there. */
    CUT(0, null, null, null),
    /** S3 carries the request out, then the connection is closed before its answer: it did happen. */
    LOST_RESPONSE(0, null, null, null);

    final int status;
    final String reason;
    final String code;
    final String message;

    Fault(int status, String reason, String code, String message) {
      this.status = status;
      this.reason = reason;
      this.code = code;
      this.message = message;
    }

    boolean answers() {
      return status > 0;
    }
  }

  /** One request as the proxy saw it: method, target ({@code /bucket/key?query}), headers (names lower-case). */
  public record Request(String method, String target, Map<String, String> headers) {

    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    public String query() {
      int q = target.indexOf('?');
      return q < 0 ? "" : target.substring(q + 1);
    }

    /** The decoded value of a query parameter, "" when it has none, null when absent. */
    public String queryParam(String name) {
      for (String pair : query().split("&")) {
        int eq = pair.indexOf('=');
        String n = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
        if (n.equals(name)) {
          return eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
        }
      }
      return null;
    }

    public boolean hasQueryParam(String name) {
      return queryParam(name) != null;
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The SDK's attempt number ({@code amz-sdk-request: attempt=N; max=M}); 1 when absent. */
    public int attempt() {
      String h = header("amz-sdk-request");
      if (h != null) {
        for (String part : h.split(";")) {
          String p = part.trim();
          if (p.startsWith("attempt=")) {
            return Integer.parseInt(p.substring("attempt=".length()));
          }
        }
      }
      return 1;
    }

    /** True when this request reads, writes or copies from {@code bucket/key} (path-style addressing). */
    public boolean touches(String bucket, String key) {
      String object = bucket + "/" + key;
      if (percentDecode(path()).equals("/" + object)) {
        return true;
      }
      String source = header("x-amz-copy-source");
      if (source == null) {
        return false;
      }
      String s = percentDecode(source);
      int version = s.indexOf("?versionId=");
      if (version >= 0) {
        s = s.substring(0, version);
      }
      return (s.startsWith("/") ? s.substring(1) : s).equals(object);
    }

    @Override
    public String toString() {
      return method + " " + target + (attempt() > 1 ? " (attempt " + attempt() + ")" : "");
    }

    boolean expectsContinue() {
      return "100-continue".equalsIgnoreCase(header("expect"));
    }

    boolean wantsClose() {
      return "close".equalsIgnoreCase(header("connection"));
    }
  }

  private record Rule(Fault fault, double probability, Predicate<Request> when) {}

  // Apache's pool opens at most concurrency * 2 + 8 connections; this leaves room and still bounds the threads.
  private static final int MAX_CONNECTIONS = 256;
  // An idle keep-alive connection may wait this long for its next request, far longer than any test.
  private static final int IDLE_TIMEOUT_MS = 120_000;
  // 64 KiB: more than any S3 request or response head; a longer one is a broken peer.
  private static final int MAX_HEAD = 64 * 1024;
  // Requests kept for count(): enough for a test's few thousand requests, bounded all the same.
  private static final int LOG_LIMIT = 50_000;

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final Random random;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final ExecutorService connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final LongAdder requests = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final Map<Fault, LongAdder> injected = new EnumMap<>(Fault.class);
  private final ConcurrentLinkedQueue<Request> log = new ConcurrentLinkedQueue<>();
  private final AtomicInteger logged = new AtomicInteger();
  private final AtomicLong errorIds = new AtomicLong();
  private volatile boolean closed;
  private volatile long latencyNanos;

  private FaultyProxy(URI upstream, long seed) throws IOException {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.random = new Random(seed);
    for (Fault f : Fault.values()) {
      injected.put(f, new LongAdder());
    }
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    this.connections = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "faulty-proxy-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::accept, "faulty-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy in front of {@code upstream} (e.g. {@link S3ProxyServer#endpoint()}), with no rule yet. */
  public static FaultyProxy start(URI upstream, long seed) {
    try {
      return new FaultyProxy(upstream, seed);
    } catch (IOException e) {
      throw new IllegalStateException("the faulty proxy cannot listen on 127.0.0.1", e);
    }
  }

  /** Adds a rule: {@code fault} for a share {@code probability} of the requests {@code when} matches. */
  public FaultyProxy inject(Fault fault, double probability, Predicate<Request> when) {
    if (probability < 0 || probability > 1) {
      throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
    }
    rules.add(new Rule(fault, probability, when));
    return this;
  }

  /** Adds a rule: {@code fault} for every request {@code when} matches. */
  public FaultyProxy always(Fault fault, Predicate<Request> when) {
    return inject(fault, 1.0, when);
  }

  /**
   * Holds every request this long before forwarding it: the round trip to a real S3 region, which a server on
   * loopback does not have. Each connection carries one request at a time, so it is paid per request.
   */
  public FaultyProxy latency(java.time.Duration roundTrip) {
    latencyNanos = roundTrip.toNanos();
    return this;
  }

  public static Predicate<Request> anyRequest() {
    return r -> true;
  }

  /** e.g. {@code http://127.0.0.1:41234}: set it as the tool's endpoint. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  public long requestsSeen() {
    return requests.sum();
  }

  /** Requests the SDK marked as a second or later attempt. */
  public long retriesSeen() {
    return retries.sum();
  }

  public long injected(Fault fault) {
    return injected.get(fault).sum();
  }

  public long injectedTotal() {
    return injected.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Requests seen so far that {@code which} matches (the first {@value #LOG_LIMIT} are kept). */
  public long count(Predicate<Request> which) {
    return log.stream().filter(which).count();
  }

  /** One line for a test's output: requests, retries and faults by kind. */
  public String stats() {
    Map<Fault, Long> byKind = new LinkedHashMap<>();
    injected.forEach((f, n) -> byKind.put(f, n.sum()));
    return "requests seen " + requestsSeen() + ", retries seen " + retriesSeen() + ", faults injected "
        + injectedTotal() + " " + byKind + (refused.sum() > 0 ? ", connections refused " + refused.sum() : "");
  }

  // ---- serving -------------------------------------------------------------------------------------

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      try {
        connections.execute(() -> serve(client));
      } catch (RejectedExecutionException e) {
        refused.increment();
        closeQuietly(client);
      }
    }
  }

  private void serve(Socket client) {
    Socket upstreamSocket = null;
    try {
      client.setSoTimeout(IDLE_TIMEOUT_MS);
      client.setTcpNoDelay(true);
      InputStream cin = new BufferedInputStream(client.getInputStream());
      OutputStream cout = new BufferedOutputStream(client.getOutputStream());
      InputStream uin = null;
      OutputStream uout = null;
      while (!closed) {
        byte[] head = readHead(cin);
        if (head == null) {
          return; // the client closed its keep-alive connection
        }
        Request request = parseRequest(head);
        Fault fault = decide(request);
        if (fault == Fault.CUT) {
          return;
        }
        if (fault != null && fault.answers()) {
          // Without the body read, the connection would be out of step; with 100-continue it was never sent.
          boolean keepAlive = !request.expectsContinue() && !request.wantsClose();
          if (keepAlive) {
            copyBody(request.headers(), cin, OutputStream.nullOutputStream());
          }
          writeError(cout, request, fault, keepAlive);
          if (!keepAlive) {
            return;
          }
          continue;
        }
        if (upstreamSocket == null) {
          upstreamSocket = new Socket();
          open.add(upstreamSocket);
          upstreamSocket.connect(upstream, 10_000);
          upstreamSocket.setSoTimeout(IDLE_TIMEOUT_MS);
          upstreamSocket.setTcpNoDelay(true);
          uin = new BufferedInputStream(upstreamSocket.getInputStream());
          uout = new BufferedOutputStream(upstreamSocket.getOutputStream());
        }
        if (latencyNanos > 0) {
          TimeUnit.NANOSECONDS.sleep(latencyNanos); // the simulated round trip, not a wait for a condition
        }
        uout.write(head);
        boolean bodySent = !request.expectsContinue();
        if (bodySent) {
          copyBody(request.headers(), cin, uout);
        }
        uout.flush();
        byte[] responseHead;
        Map<String, String> responseHeaders;
        int status;
        while (true) {
          responseHead = readHead(uin);
          if (responseHead == null) {
            return; // upstream closed: the client sees a cut
          }
          responseHeaders = new LinkedHashMap<>();
          status = parseStatus(responseHead, responseHeaders);
          if (status >= 200) {
            break;
          }
          cout.write(responseHead); // 100 Continue (or another 1xx) goes to the client, whatever the fault
          cout.flush();
          if (status == 100 && !bodySent) {
            copyBody(request.headers(), cin, uout);
            uout.flush();
            bodySent = true;
          }
        }
        OutputStream sink = fault == Fault.LOST_RESPONSE ? OutputStream.nullOutputStream() : cout;
        sink.write(responseHead);
        boolean untilClose = copyResponseBody(request, status, responseHeaders, uin, sink);
        sink.flush();
        if (fault == Fault.LOST_RESPONSE || untilClose || !bodySent || request.wantsClose()
            || "close".equalsIgnoreCase(responseHeaders.get("connection"))) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      // The connection ends here; the client sees it closed, as it would a broken one.
    } finally {
      closeQuietly(client);
      if (upstreamSocket != null) {
        closeQuietly(upstreamSocket);
      }
    }
  }

  private Fault decide(Request request) {
    requests.increment();
    if (request.attempt() > 1) {
      retries.increment();
    }
    if (logged.incrementAndGet() <= LOG_LIMIT) {
      log.add(request);
    }
    double draw;
    synchronized (random) {
      draw = random.nextDouble();
    }
    double share = 0;
    for (Rule rule : rules) {
      if (rule.when().test(request)) {
        share += rule.probability();
        if (draw < share) {
          injected.get(rule.fault()).increment();
          return rule.fault();
        }
      }
    }
    return null;
  }

  private void writeError(OutputStream out, Request request, Fault fault, boolean keepAlive) throws IOException {
    String id = String.format("FAULTY%010d", errorIds.incrementAndGet());
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + fault.code + "</Code><Message>"
        + fault.message + "</Message><RequestId>" + id + "</RequestId><HostId>faulty-proxy</HostId></Error>";
    byte[] body = "HEAD".equals(request.method()) ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + fault.status + " " + fault.reason + "\r\n"
        + "Content-Type: application/xml\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "x-amz-request-id: " + id + "\r\n"
        + (keepAlive ? "" : "Connection: close\r\n")
        + "\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  // ---- HTTP/1.1 framing ----------------------------------------------------------------------------

  /** The bytes up to and including the blank line; null when the stream ends before its first byte. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("the stream ended inside a message head");
      }
      head.write(b);
      if (head.size() > MAX_HEAD) {
        throw new IOException("message head over " + MAX_HEAD + " bytes");
      }
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static Request parseRequest(byte[] head) throws IOException {
    String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3) {
      throw new IOException("not an HTTP request line: " + lines[0]);
    }
    return new Request(requestLine[0], requestLine[1], Collections.unmodifiableMap(headers(lines)));
  }

  private static int parseStatus(byte[] head, Map<String, String> into) throws IOException {
    String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + lines[0]);
    }
    into.putAll(headers(lines));
    return Integer.parseInt(statusLine[1]);
  }

  private static Map<String, String> headers(String[] lines) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    return headers;
  }

  /** A request body: chunked, or Content-Length bytes, or none. */
  private static void copyBody(Map<String, String> headers, InputStream in, OutputStream out) throws IOException {
    String te = headers.get("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      copyChunked(in, out);
      return;
    }
    String length = headers.get("content-length");
    if (length != null) {
      copyExactly(in, out, Long.parseLong(length.trim()));
    }
  }

  /** A response body; returns true when it runs until the connection closes. */
  private static boolean copyResponseBody(Request request, int status, Map<String, String> headers, InputStream in,
      OutputStream out) throws IOException {
    if ("HEAD".equals(request.method()) || status == 204 || status == 304) {
      return false;
    }
    if (headers.containsKey("transfer-encoding") || headers.containsKey("content-length")) {
      copyBody(headers, in, out);
      return false;
    }
    in.transferTo(out);
    return true;
  }

  private static void copyChunked(InputStream in, OutputStream out) throws IOException {
    while (true) {
      byte[] sizeLine = readLine(in);
      out.write(sizeLine);
      String size = new String(sizeLine, StandardCharsets.ISO_8859_1).trim();
      int ext = size.indexOf(';');
      long n = Long.parseLong(ext < 0 ? size : size.substring(0, ext).trim(), 16);
      if (n == 0) {
        byte[] trailer;
        do {
          trailer = readLine(in);
          out.write(trailer);
        } while (trailer.length > 2);
        return;
      }
      copyExactly(in, out, n);
      out.write(readLine(in)); // the CRLF after the chunk
    }
  }

  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(16);
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("the stream ended inside a chunked body");
      }
      line.write(b);
      if (line.size() > MAX_HEAD) {
        throw new IOException("chunk line over " + MAX_HEAD + " bytes");
      }
    }
    line.write('\n');
    return line.toByteArray();
  }

  private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long left = n;
    while (left > 0) {
      int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (r < 0) {
        throw new EOFException("the stream ended " + left + " bytes before the end of a body");
      }
      out.write(buffer, 0, r);
      left -= r;
    }
  }

  /** Decodes %XX escapes (a '+' stays a '+', as in S3's SigV4 paths); what is not an escape is kept. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  // ---- stopping ------------------------------------------------------------------------------------

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Stops accepting, closes every connection, and waits (briefly) for the connection threads to end. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    for (Socket s : new ArrayList<>(open)) {
      closeQuietly(s);
    }
    connections.shutdownNow();
    try {
      if (!connections.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("faulty proxy threads still running after close");
      }
      acceptor.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FaultyProxy[" + endpoint() + " -> " + upstream + "]";
  }
}

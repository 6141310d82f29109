package dev.avatarmigrate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on 127.0.0.1 that tunnels CONNECT requests, as a corporate proxy does for https, and records each
 * tunnel's target and the user its Proxy-Authorization named ("-" for none). Made with {@link #requiring}, it asks
 * for that user (407, Basic) as such a proxy does, and tunnels only for them.
 */
public final class ConnectProxy implements AutoCloseable {
  private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  private final List<String> tunnels = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final String requiredUser;

  private ConnectProxy(String requiredUser) throws IOException {
    this.requiredUser = requiredUser;
    Thread accept = new Thread(this::accept, "connect-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public static ConnectProxy start() throws IOException {
    return new ConnectProxy(null);
  }

  public static ConnectProxy requiring(String user) throws IOException {
    return new ConnectProxy(user);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /**
   * A host name only this proxy knows (as a corporate proxy resolves names its clients cannot): tunnels to it go
   * to {@code address}.
   */
  public ConnectProxy knowing(String name, String address) {
    names.put(name, address);
    return this;
  }

  /** One entry per tunnel: {@code host:port user}. */
  public List<String> tunnels() {
    return List.copyOf(tunnels);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        open.add(client);
        Thread t = new Thread(() -> tunnel(client), "connect-proxy-tunnel");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void tunnel(Socket client) {
    try {
      InputStream in = client.getInputStream();
      String[] head = readHead(in).split("\r\n");
      String[] requestLine = head[0].split(" ");
      String user = "-";
      for (String line : head) {
        if (line.toLowerCase(Locale.ROOT).startsWith("proxy-authorization: basic ")) {
          String decoded = new String(Base64.getDecoder().decode(line.substring(27).strip()), StandardCharsets.UTF_8);
          user = decoded.split(":", 2)[0];
        }
      }
      OutputStream out = client.getOutputStream();
      if (!requestLine[0].equals("CONNECT")) {
        out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.close();
        return;
      }
      if (requiredUser != null && !requiredUser.equals(user)) {
        out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        client.close();
        return;
      }
      tunnels.add(requestLine[1] + " " + user);
      int colon = requestLine[1].lastIndexOf(':');
      String host = requestLine[1].substring(0, colon);
      int port = Integer.parseInt(requestLine[1].substring(colon + 1));
      Socket upstream = new Socket(names.getOrDefault(host, host), port);
      open.add(upstream);
      out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread back = new Thread(() -> pump(upstream, client), "connect-proxy-pump");
      back.setDaemon(true);
      back.start();
      pump(client, upstream);
    } catch (IOException | RuntimeException e) {
      Sockets.closeQuietly(client);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int b; matched < 4 && (b = in.read()) >= 0; ) {
      head.write(b);
      matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Passes one direction of a tunnel on; when it ends, the tunnel ends. */
  private static void pump(Socket from, Socket to) {
    Sockets.copy(from, to);
    Sockets.closeQuietly(from);
    Sockets.closeQuietly(to);
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
    open.forEach(Sockets::closeQuietly);
  }
}

package dev.avatarmigrate.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A TCP relay on 127.0.0.1 in front of a server, which can drop the client side of its connections as a NAT, a
 * firewall or a proxy does when it forgets an idle connection: the client sees a reset, while the server keeps
 * its side open (and the session with it) until its own timeout.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final String host;
  private final int port;
  private final List<Socket[]> pairs = new CopyOnWriteArrayList<>();
  private final List<Socket> upstreamsKept = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();

  private TcpRelay(String host, int port, ServerSocket listener) {
    this.host = host;
    this.port = port;
    this.listener = listener;
    Thread accept = new Thread(this::accept, "tcp-relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public static TcpRelay start(String host, int port) throws IOException {
    return new TcpRelay(host, port, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  /** A relay that takes TLS connections (with {@code tls}'s key) and passes their plain bytes to the server. */
  public static TcpRelay startTls(String host, int port, SSLContext tls) throws IOException {
    return new TcpRelay(host, port, tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connections the relay has taken from clients so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Resets the client side of every open connection and stops relaying them; their server sides stay open. */
  public void dropClientSides() throws IOException {
    for (Socket[] pair : pairs) {
      pairs.remove(pair);
      upstreamsKept.add(pair[1]);
      pair[0].setSoLinger(true, 0);
      pair[0].close();
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        Socket upstream = new Socket(host, port);
        Socket[] pair = {client, upstream};
        pairs.add(pair);
        pump(client, upstream, pair);
        pump(upstream, client, pair);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, Socket[] pair) {
    Thread t = new Thread(() -> {
      Sockets.copy(from, to);
      if (pairs.remove(pair)) {
        Sockets.closeQuietly(pair[0]);
        Sockets.closeQuietly(pair[1]);
      }
    }, "tcp-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    Sockets.closeQuietly(new Socket());
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
    pairs.forEach(p -> {
      Sockets.closeQuietly(p[0]);
      Sockets.closeQuietly(p[1]);
    });
    upstreamsKept.forEach(Sockets::closeQuietly);
  }
}

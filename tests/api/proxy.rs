//! A TCP proxy on 127.0.0.1 that a test can cut and restore, to simulate a database outage.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Forwards connections from its own loopback address to `upstream` while it is open.
///
/// Cutting it closes its listening socket, so new connections are refused, and closes every
/// forwarded connection. The proxy task ends with the test's runtime.
pub struct Proxy {
    pub address: SocketAddr,
    desired: watch::Sender<bool>,
    actual: watch::Receiver<bool>,
}

impl Proxy {
    /// Starts an open proxy on an ephemeral loopback port.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (desired, desired_receiver) = watch::channel(true);
        let (actual_sender, actual) = watch::channel(true);
        tokio::spawn(run(listener, upstream, desired_receiver, actual_sender));
        Self {
            address,
            desired,
            actual,
        }
    }

    /// Stops accepting and closes every forwarded connection; returns once that is done.
    pub async fn cut(&mut self) {
        self.set_open(false).await;
    }

    /// Accepts connections again on the same address; returns once it listens.
    pub async fn restore(&mut self) {
        self.set_open(true).await;
    }

    async fn set_open(&mut self, open: bool) {
        self.desired.send_replace(open);
        self.actual.wait_for(|actual| *actual == open).await.unwrap();
    }
}

async fn run(
    first: TcpListener,
    upstream: SocketAddr,
    mut desired: watch::Receiver<bool>,
    actual: watch::Sender<bool>,
) {
    let address = first.local_addr().unwrap();
    let mut listener = Some(first);
    loop {
        let open = listener.take().unwrap_or_else(|| bind(address));
        serve_until_cut(open, upstream, &mut desired).await;
        actual.send_replace(false);
        if desired.wait_for(|open| *open).await.is_err() {
            return;
        }
        listener = Some(bind(address));
        actual.send_replace(true);
    }
}

/// Forwards connections until the proxy is cut, then closes them all.
async fn serve_until_cut(listener: TcpListener, upstream: SocketAddr, desired: &mut watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((client, _)) = accepted {
                    connections.spawn(forward(client, upstream));
                }
            }
            _ = desired.wait_for(|open| !*open) => break,
        }
    }
    drop(listener);
    connections.shutdown().await;
}

async fn forward(mut client: TcpStream, upstream: SocketAddr) {
    if let Ok(mut server) = TcpStream::connect(upstream).await {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}

/// Binds `address` again; SO_REUSEADDR lets it reuse the port of the closed listener.
fn bind(address: SocketAddr) -> TcpListener {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(address).unwrap();
    socket.listen(128).unwrap()
}

//! The tokio side of benchmarks/Compare (see ../README.md).
//!
//!     compare-tokio echo <port> <current|multi>
//!
//! `echo`: a TCP echo server on 127.0.0.1:<port>, one spawned task per connection that reads up to 4,096 bytes and
//! writes them back (TCP_NODELAY), on tokio's current_thread runtime or its multi_thread runtime (one worker per
//! core). The same loop as samples/EchoServer's `Echo`.

use std::env;
use std::process::exit;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Runtime};

/// The runtime a command runs on: `current` (current_thread) or `multi` (multi_thread, one worker per core).
fn runtime(kind: &str) -> Runtime {
    let mut builder = match kind {
        "current" => Builder::new_current_thread(),
        "multi" => Builder::new_multi_thread(),
        _ => usage(),
    };
    builder.enable_all().build().expect("build the tokio runtime")
}

fn usage() -> ! {
    eprintln!("usage: compare-tokio echo <port> <current|multi>");
    exit(2)
}

async fn serve(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    println!("tokio echo server on 127.0.0.1:{port}");
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(echo(stream));
            }
            // Out of descriptors or an aborted connection: keep serving the connections already accepted.
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
}

async fn echo(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true); // echo requests are small and latency-bound
    let mut buffer = vec![0u8; 4096];
    loop {
        let n = match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if stream.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["echo", port, kind] => {
            let port: u16 = port.parse().unwrap_or_else(|_| usage());
            runtime(kind).block_on(serve(port));
        }
        _ => usage(),
    }
}

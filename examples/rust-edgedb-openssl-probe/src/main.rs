//! The EdgeDB crash, in miniature: a multi-threaded tokio runtime is running when the TLS
//! setup path calls into a probe crate that sets SSL_CERT_FILE with `env::set_var`.
mod tls;

use std::env;

#[tokio::main]
async fn main() {
    let workers = tokio::spawn(async {
        // Another runtime thread reads the environment (EdgeDB's was gettext -> getenv("LANGUAGE")).
        env::var("LANGUAGE").ok()
    });
    let connector = tls::Connector::new();
    println!("connector ready: {}", connector.ready);
    let _ = workers.await;
}

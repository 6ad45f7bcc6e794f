//! `envrace audit examples/audit-edgedb-cargo` follows this call three crates deep, to the
//! `env::set_var` in openssl-probe that crashed EdgeDB.
use std::env;

#[tokio::main]
async fn main() {
    // ok: env-mutation-after-thread-spawn
    let language = env::var("LANGUAGE").unwrap_or_default();
    // ruleid: env-mutation-after-thread-spawn
    let client = reqwest::Client::new();
    let response = client.get("https://example.com/").send().await;
    println!("{language} {:?}", response.map(|r| r.status()));
}

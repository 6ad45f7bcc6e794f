//! The shape of openssl-probe 0.1.2: public functions that export what they found through the
//! process environment, from safe code (edition 2018).
use std::env;
use std::path::Path;

pub struct ProbeResult {
    pub cert_file: Option<String>,
    pub cert_dir: Option<String>,
}

pub fn probe() -> ProbeResult {
    let file = "/etc/ssl/certs/ca-certificates.crt";
    ProbeResult {
        cert_file: if Path::new(file).exists() { Some(file.to_string()) } else { None },
        cert_dir: Some("/etc/ssl/certs".to_string()),
    }
}

pub fn init_ssl_cert_env_vars() {
    try_init_ssl_cert_env_vars();
}

pub fn try_init_ssl_cert_env_vars() -> bool {
    let found = probe();
    if let Some(path) = &found.cert_file {
        put("SSL_CERT_FILE", path);
    }
    if let Some(path) = &found.cert_dir {
        put("SSL_CERT_DIR", path);
    }
    found.cert_file.is_some() || found.cert_dir.is_some()
}

fn put(var: &str, path: &str) {
    if env::var_os(var).is_none() {
        // ruleid: env-mutation-after-thread-spawn, env-mutating-public-api
        env::set_var(var, path);
    }
}

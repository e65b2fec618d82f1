//! The browser entry point: install the panic hook, then mount the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    nnplay::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("nnplay runs in the browser: build and serve it with `bash scripts/serve.sh`.");
}

//! The link: the address bar's hash, read at boot and kept in step with the settings, and the
//! last scene kept in this browser's storage between visits.

/// Where the last scene is kept between visits.
pub(super) const STORAGE_KEY: &str = "nnplay:last-scene";

/// This browser's local storage, when it has one.
pub(super) fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The hash to start from: the address bar's, or else the last scene kept in this browser
/// (then the flag is true).
pub(super) fn boot_hash() -> (String, bool) {
    let hash = read_hash();
    if !hash.trim_start_matches('#').is_empty() {
        return (hash, false);
    }
    match storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) {
        Some(kept) if !kept.is_empty() => (kept, true),
        _ => (String::new(), false),
    }
}

/// The address bar's hash, with its `#`.
pub(super) fn read_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Puts `hash` in the address bar without adding a history entry.
pub(super) fn write_hash(hash: &str) {
    if let Some(w) = web_sys::window() {
        if let Ok(history) = w.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{hash}")));
        }
    }
}

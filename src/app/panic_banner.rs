//! A Rust panic never fails silently: it is logged to the console and shown in a banner at the
//! top of the page with a button to reload.

use std::panic;

/// Installs the panic hook (idempotent enough: the last installation wins).
pub fn install() {
    panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("nnplay panicked: {message}").into());
        show_error_banner(&message);
    }));
}

/// Puts a red banner with `message` and a reload button at the top of the page.
pub fn show_error_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("panic-banner");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "error-banner");
    let text = document.create_element("p");
    if let Ok(text) = text {
        text.set_text_content(Some(&format!(
            "nnplay hit an internal error and stopped: {message}. Reloading brings back the same scene from the link."
        )));
        let _ = banner.append_child(&text);
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reload scene"));
        let _ = button.set_attribute("onclick", "location.reload()");
        let _ = banner.append_child(&button);
    }
    let _ = body.prepend_with_node_1(&banner);
}

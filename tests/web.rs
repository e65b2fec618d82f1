//! Browser tests (wasm-bindgen-test in headless Chromium): components mount and show what a
//! user should see, and the engine gives the same bits in wasm as natively.
#![cfg(target_arch = "wasm32")]

mod common {
    pub mod reference_run;
}

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Yew's scheduler run: awaits one resolved promise (a microtask turn), no timers.
async fn next_tick() {
    let resolved = js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL);
    wasm_bindgen_futures::JsFuture::from(resolved).await.unwrap();
}

/// Mounts the app into a fresh element and waits (by microtask turns) until it has rendered.
async fn mount_app() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<nnplay::app::App>::with_root(root.clone()).render();
    for _ in 0..50 {
        if root.query_selector("[data-testid=plot]").unwrap().is_some() {
            break;
        }
        next_tick().await;
    }
    root
}

#[wasm_bindgen_test]
async fn the_app_mounts_with_a_title_and_a_sized_plot() {
    let root = mount_app().await;
    let title = root
        .query_selector("[data-testid=title]")
        .unwrap()
        .expect("a title");
    assert_eq!(title.text_content().unwrap(), "nnplay");
    let canvas: HtmlCanvasElement = root
        .query_selector("canvas[data-testid=plot]")
        .unwrap()
        .expect("a plot canvas")
        .dyn_into()
        .unwrap();
    assert!(canvas.width() > 0 && canvas.height() > 0);
}

#[wasm_bindgen_test]
fn the_engine_is_bit_identical_to_the_native_build() {
    assert_eq!(
        common::reference_run::reference_fingerprint(),
        common::reference_run::EXPECTED_FINGERPRINT
    );
}

#[wasm_bindgen_test]
fn a_panic_message_becomes_a_visible_banner_with_a_reload_button() {
    nnplay::app::show_error_banner("index out of bounds");
    let document = web_sys::window().unwrap().document().unwrap();
    let banner = document
        .query_selector("[data-testid=error-banner]")
        .unwrap()
        .expect("a banner");
    let text = banner.text_content().unwrap();
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(banner.query_selector("button").unwrap().is_some());
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
}

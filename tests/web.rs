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

/// Waits for the browser's next animation frame (the app paints in its frame callback).
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_app_mounts_with_a_title_and_paints_the_decision_map_at_screen_resolution() {
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
    // The backing store follows the CSS box times the device pixel ratio (a default canvas is
    // 300 × 150 whatever its box), and the decision map and points have been painted.
    let mut colours = std::collections::HashSet::new();
    for _ in 0..120 {
        next_frame().await;
        let rect = canvas.get_bounding_client_rect();
        let ratio = web_sys::window().unwrap().device_pixel_ratio();
        let sized = rect.width() > 0.0
            && (canvas.width() as f64 - (rect.width() * ratio).round()).abs() <= 1.0
            && (canvas.height() as f64 - (rect.height() * ratio).round()).abs() <= 1.0;
        if !sized {
            continue;
        }
        let context: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
        let (w, h) = (canvas.width(), canvas.height());
        let pixels = context
            .get_image_data(0.0, 0.0, w as f64, h as f64)
            .unwrap()
            .data();
        colours = pixels
            .chunks_exact(4)
            .step_by(97)
            .map(|p| (p[0], p[1], p[2], p[3]))
            .collect();
        if colours.len() > 20 {
            break;
        }
    }
    assert!(
        colours.len() > 20,
        "the plot shows {} colours: not painted, or not sized to its box",
        colours.len()
    );
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

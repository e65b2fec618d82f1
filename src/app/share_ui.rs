//! Sharing the scene: the scene bar's Share button opens a small panel with the link, a "Copy
//! link" button (the clipboard, or else the link selected for the user to copy) and the link's
//! QR code, so students open the same scene on their phones, and the `<iframe>` that puts the
//! scene live into a slide.

use super::canvas::{context_2d, fit_backing_store};
use crate::page::scenes::SCENES;
use crate::page::settings::Settings;
use crate::page::share::{iframe_snippet, qr_code, share_hash, QrMatrix, QUIET_ZONE};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlCanvasElement, HtmlInputElement};
use yew::prelude::*;

/// The page's address with `hash` as its hash: the link that opens this scene.
fn link_with(hash: &str) -> String {
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = here.split('#').next().unwrap_or_default();
    format!("{base}#{hash}")
}

/// Asks the clipboard to hold `text`; the promise of `navigator.clipboard.writeText`, or why
/// there is none (no clipboard API, as on pages not served over HTTPS).
fn write_to_clipboard(text: &str) -> Result<js_sys::Promise, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let navigator = js_sys::Reflect::get(&window, &JsValue::from_str("navigator"))?;
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))?;
    let write =
        js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))?.dyn_into::<js_sys::Function>()?;
    write
        .call1(&clipboard, &JsValue::from_str(text))?
        .dyn_into::<js_sys::Promise>()
}

/// Draws `code` on `canvas`, black on white with its quiet zone, each module a whole number
/// of device pixels so phones read it off a projector.
fn draw_qr(canvas: &HtmlCanvasElement, code: &QrMatrix) {
    let Some(ctx) = context_2d(canvas) else {
        return;
    };
    let (w, h, _) = fit_backing_store(canvas);
    let modules = code.size + 2 * QUIET_ZONE;
    let scale = (w.min(h) / modules as f64).floor().max(1.0);
    let (left, top) = (
        ((w - scale * modules as f64) / 2.0).floor(),
        ((h - scale * modules as f64) / 2.0).floor(),
    );
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.set_fill_style_str("#000000");
    for row in 0..code.size {
        for column in 0..code.size {
            if code.is_dark(row, column) {
                ctx.fill_rect(
                    left + scale * (column + QUIET_ZONE) as f64,
                    top + scale * (row + QUIET_ZONE) as f64,
                    scale,
                    scale,
                );
            }
        }
    }
    // For tests: where the code's first module sits and how large modules are (device
    // pixels), and how many modules it has a side.
    let _ = canvas.set_attribute("data-modules", &code.size.to_string());
    let _ = canvas.set_attribute(
        "data-geometry",
        &format!(
            "{},{},{scale}",
            left + scale * QUIET_ZONE as f64,
            top + scale * QUIET_ZONE as f64
        ),
    );
}

/// Properties of [`ShareButton`].
#[derive(Properties, PartialEq, Clone)]
pub struct ShareProps {
    /// The settings whose link is shared (the session's own).
    pub settings: Rc<Settings>,
}

/// The Share button, and the panel it opens.
#[function_component(ShareButton)]
pub fn share_button(props: &ShareProps) -> Html {
    let open = use_state(|| false);
    let title = props
        .settings
        .scene
        .and_then(|i| SCENES.get(i))
        .map_or("free play", |scene| scene.title);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="share">
            <button type="button" class={classes!("button", open.then_some("active"))} data-testid="share"
                aria-expanded={open.to_string()} title="The link to this scene, to copy or to scan with a phone"
                onclick={toggle.clone()}>{ "Share" }</button>
            if *open {
                <SharePanel link={link_with(&share_hash(&props.settings, false))}
                    snippet={iframe_snippet(&link_with(&share_hash(&props.settings, true)), title)} on_close={toggle} />
            }
        </div>
    }
}

/// Properties of [`SharePanel`].
#[derive(Properties, PartialEq, Clone)]
struct PanelProps {
    /// The link shared.
    link: AttrValue,
    /// The `<iframe>` that puts this scene, live, into a slide.
    snippet: AttrValue,
    /// Closes the panel.
    on_close: Callback<MouseEvent>,
}

/// What the copy button last did.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Done,
    Refused,
}

/// The link, "Copy link", and the link's QR code.
#[function_component(SharePanel)]
fn share_panel(props: &PanelProps) -> Html {
    let copied = use_state(|| Copied::Not);
    let link_box = use_node_ref();
    let qr = use_node_ref();
    let code = use_memo(props.link.clone(), |link| qr_code(link));
    {
        let (qr, code) = (qr.clone(), code.clone());
        use_effect(move || {
            if let (Some(canvas), Ok(code)) = (qr.cast::<HtmlCanvasElement>(), code.as_ref()) {
                draw_qr(&canvas, code);
            }
        });
    }
    let copy = {
        let (copied, link_box, link) = (copied.clone(), link_box.clone(), props.link.clone());
        Callback::from(move |_: MouseEvent| {
            // When the clipboard refuses, the link is selected so Ctrl+C copies it.
            let select = {
                let (copied, link_box) = (copied.clone(), link_box.clone());
                move || {
                    if let Some(input) = link_box.cast::<HtmlInputElement>() {
                        let _ = input.focus();
                        input.select();
                    }
                    copied.set(Copied::Refused);
                }
            };
            match write_to_clipboard(&link) {
                Ok(promise) => {
                    let (copied, outcome) = (copied.clone(), wasm_bindgen_futures::JsFuture::from(promise));
                    wasm_bindgen_futures::spawn_local(async move {
                        match outcome.await {
                            Ok(_) => copied.set(Copied::Done),
                            Err(_) => select(),
                        }
                    });
                }
                Err(_) => select(),
            }
        })
    };
    let status = match *copied {
        Copied::Not => None,
        Copied::Done => Some("Copied: paste it into a message, a slide or the chat."),
        Copied::Refused => Some(
            "The browser did not let the page copy. The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.",
        ),
    };
    let qr_view = match code.as_ref() {
        Ok(_) => html! {
            <canvas ref={qr} class="share-qr" data-testid="share-qr"
                aria-label="QR code of the link: scan it with a phone's camera to open this scene" />
        },
        Err(why) => html! { <p class="hint" data-testid="share-qr-error">{ why.clone() }</p> },
    };
    html! {
        <div class="share-panel" role="dialog" aria-label="Share this scene" data-testid="share-panel">
            <label class="control">
                <span class="control-label">{ "Link to this scene, with its settings and points" }</span>
                <input ref={link_box} type="text" readonly=true class="share-link" data-testid="share-link" value={props.link.clone()} />
            </label>
            <div class="row">
                <button type="button" class="button primary" data-testid="copy-link" onclick={copy}>{ "Copy link" }</button>
                <button type="button" class="button" data-testid="share-close" onclick={props.on_close.clone()}>{ "Close" }</button>
            </div>
            if let Some(status) = status {
                <p class="hint" role="status" data-testid="copy-status">{ status }</p>
            }
            { qr_view }
            <p class="hint">{ "Students scan the code with a phone's camera to open the same scene." }</p>
            <label class="control">
                <span class="control-label">{ "In a slide: paste this where the slide takes HTML" }</span>
                <input type="text" readonly=true class="share-link" data-testid="embed-snippet" value={props.snippet.clone()}
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
            </label>
        </div>
    }
}

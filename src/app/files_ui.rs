//! Import and export: the points as CSV or JSON, the trained model as JSON, the plot as PNG,
//! and uploading a data file. A bad file leaves the current points untouched and says why.

use super::Updater;
use crate::engine::{Preset, Task};
use crate::page::files;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlInputElement};
use yew::prelude::*;

/// Offers `url` as a download called `name`.
fn download_url(name: &str, url: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok())
    {
        anchor.set_href(url);
        anchor.set_download(name);
        anchor.click();
    }
}

/// Offers `text` as a download called `name`.
fn download_text(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
        download_url(name, &url);
        // Revoking at once can cancel the download in some browsers: keep this URL until the
        // next download, so at most one blob is held.
        LAST_DOWNLOAD.with(|last| {
            if let Some(previous) = last.replace(Some(url)) {
                let _ = web_sys::Url::revoke_object_url(&previous);
            }
        });
    }
}

thread_local! {
    static LAST_DOWNLOAD: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Properties of [`FilesPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct FilesProps {
    /// Access to the session.
    pub updater: Updater,
    /// The plot canvas, for PNG export.
    pub plot: NodeRef,
}

/// The import and export buttons.
#[function_component(FilesPanel)]
pub fn files_panel(props: &FilesProps) -> Html {
    let u = props.updater.clone();
    let csv = {
        let u = u.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(text) = u.try_with_session(|s| files::to_csv(&s.data)) {
                download_text("nnplay-points.csv", "text/csv", &text);
            }
        })
    };
    let json = {
        let u = u.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(text) = u.try_with_session(|s| files::to_json(&s.data)) {
                download_text("nnplay-points.json", "application/json", &text);
            }
        })
    };
    let model = {
        let u = u.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(text) = u.try_with_session(|s| files::model_to_json(&s.trainer.model)) {
                download_text("nnplay-model.json", "application/json", &text);
            }
        })
    };
    let png = {
        let plot = props.plot.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = plot
                .cast::<HtmlCanvasElement>()
                .and_then(|c| c.to_data_url().ok())
            {
                download_url("nnplay-plot.png", &url);
            }
        })
    };
    let upload = {
        let u = u.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // Let the same file be chosen again later.
            input.set_value("");
            let name = file.name();
            if file.size() > files::MAX_FILE_BYTES as f64 {
                u.notices(vec![format!(
                    "Could not read {name}: it is {:.1} MB and nnplay reads files up to {} MB. Your points are unchanged.",
                    file.size() / 1e6,
                    files::MAX_FILE_BYTES / 1_000_000
                )]);
                return;
            }
            let u = u.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string());
                let result = match text {
                    Some(text) => files::read_data_file(&name, &text),
                    None => Err("the browser could not read it as text".to_string()),
                };
                match result {
                    Ok(data) => {
                        let count = data.points.len();
                        u.settings(|s| {
                            if s.task() != data.task {
                                s.dataset = match data.task {
                                    Task::Classification => Preset::Xor,
                                    Task::Regression => Preset::Plane,
                                };
                            }
                            s.points = Some(data.points);
                        });
                        u.notices(vec![format!("Loaded {count} points from {name}.")]);
                    }
                    Err(why) => u.notices(vec![format!(
                        "Could not read {name}: {why}. Your points are unchanged."
                    )]),
                }
            });
        })
    };
    html! {
        <>
            <h3>{ "Files" }</h3>
            <div class="row">
                <button type="button" class="button small" data-testid="download-csv" title="Download the points as CSV" onclick={csv}>{ "Points CSV" }</button>
                <button type="button" class="button small" data-testid="download-json" title="Download the points as JSON" onclick={json}>{ "Points JSON" }</button>
            </div>
            <label class="button small upload">
                { "Upload points (CSV or JSON)" }
                <input type="file" data-testid="upload-data" accept=".csv,.json,text/csv,application/json" onchange={upload} />
            </label>
            <div class="row">
                <button type="button" class="button small" data-testid="export-model" title="Download the trained model as JSON" onclick={model}>{ "Model JSON" }</button>
                <button type="button" class="button small" data-testid="export-png" title="Download the plot as a PNG image" onclick={png}>{ "Plot PNG" }</button>
            </div>
        </>
    }
}

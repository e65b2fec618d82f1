//! Import and export: the points as CSV or JSON, the trained model as JSON, the plot as PNG,
//! and uploading a data file. A bad file leaves the current points untouched and says why.

use super::Updater;
use crate::page::import::Import;
use crate::page::{export, files};
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

/// Puts the points of `import` (read from file `name`) on the plot, rescaled to fit when
/// `rescale`, switching between classes and values as the file's labels say; a refusal leaves
/// the points as they are and says why.
fn load(updater: &Updater, name: &str, import: Import, rescale: bool) {
    match import.accept(rescale) {
        Ok(data) => {
            let count = data.points.len();
            let tests = data.points.iter().filter(|p| p.test).count();
            updater.settings(|s| s.load_points(data));
            let split = if tests > 0 {
                format!(" ({tests} of them test points)")
            } else {
                String::new()
            };
            updater.notices(vec![format!("Loaded {count} points from {name}{split}.")]);
        }
        Err(why) => updater.notices(vec![format!(
            "Could not read {name}: {why}. Your points are unchanged."
        )]),
    }
}

/// The import and export buttons, and what the last upload's file said about itself.
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
    // The run as Python a student can read and run at home: the same points, starting weights,
    // minibatch order and steps as the page.
    let python = |notebook: bool| {
        let u = u.clone();
        Callback::from(move |_: MouseEvent| {
            let made = u.try_with_session(|s| {
                export::ExportRun::from_session(s, export::suggested_steps(s)).map(|run| {
                    if notebook {
                        run.notebook()
                    } else {
                        run.python_script()
                    }
                })
            });
            match made {
                Some(Ok(text)) if notebook => {
                    download_text(export::NOTEBOOK_FILE_NAME, "application/x-ipynb+json", &text)
                }
                Some(Ok(text)) => download_text(export::SCRIPT_FILE_NAME, "text/x-python", &text),
                Some(Err(why)) => u.notices(vec![format!("Could not export the run: {why}.")]),
                None => {}
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
    // How the last file's labels and split were read, and a file waiting for its rescale.
    let notes = use_state(Vec::<String>::new);
    let pending = use_state(|| None::<(String, Import)>);
    let upload = {
        let (u, notes, pending) = (u.clone(), notes.clone(), pending.clone());
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
            let (u, notes, pending) = (u.clone(), notes.clone(), pending.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string());
                let read = match text {
                    Some(text) => files::read_data(&name, &text),
                    None => Err("the browser could not read it as text".to_string()),
                };
                pending.set(None);
                match read {
                    Ok(import) => {
                        notes.set(import.notes.clone());
                        if import.out_of_range.is_some() {
                            // Ask first: rescaling changes the coordinates as written.
                            pending.set(Some((name, import)));
                        } else {
                            load(&u, &name, import, false);
                        }
                    }
                    Err(why) => {
                        notes.set(Vec::new());
                        u.notices(vec![format!(
                            "Could not read {name}: {why}. Your points are unchanged."
                        )]);
                    }
                }
            });
        })
    };
    let question = pending.as_ref().and_then(|(name, import)| {
        let span = import.out_of_range?;
        let rescale = {
            let (u, pending, name, import) = (u.clone(), pending.clone(), name.clone(), import.clone());
            Callback::from(move |_: MouseEvent| {
                load(&u, &name, import.clone(), true);
                pending.set(None);
            })
        };
        let cancel = {
            let (pending, notes) = (pending.clone(), notes.clone());
            Callback::from(move |_: MouseEvent| {
                pending.set(None);
                notes.set(Vec::new());
            })
        };
        Some(html! {
            <div class="import-question" role="group" aria-label="Rescale the file's points">
                <p data-testid="import-question">{ format!("{name}: {}", span.question()) }</p>
                <div class="row">
                    <button type="button" class="button small primary" data-testid="import-rescale" onclick={rescale}>{ "Rescale to fit" }</button>
                    <button type="button" class="button small" data-testid="import-cancel" onclick={cancel}>{ "Keep my points" }</button>
                </div>
            </div>
        })
    });
    let note_list = (!notes.is_empty()).then(|| {
        html! {
            <ul class="hint import-notes" data-testid="import-notes">
                { for notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }
            </ul>
        }
    });
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
            { for question }
            { for note_list }
            <div class="row">
                <button type="button" class="button small" data-testid="export-model" title="Download the trained model as JSON" onclick={model}>{ "Model JSON" }</button>
                <button type="button" class="button small" data-testid="export-png" title="Download the plot as a PNG image" onclick={png}>{ "Plot PNG" }</button>
            </div>
            <div class="row">
                <button type="button" class="button small" data-testid="export-notebook" onclick={python(true)}
                    title="Download this run as a Jupyter notebook: the same points, starting weights and minibatches, in NumPy">{ "Notebook (.ipynb)" }</button>
                <button type="button" class="button small" data-testid="export-script" onclick={python(false)}
                    title="Download this run as a Python script that needs only NumPy">{ "Python script" }</button>
            </div>
        </>
    }
}

//! The Yew front end (wasm32 only). Views read the engine's state; they never own training logic.

mod panic_banner;

pub use panic_banner::show_error_banner;

use crate::engine::{DataSpec, Dataset, Preset};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// Installs the panic banner and mounts [`App`] into the page's `#app` element (or the body).
pub fn start() {
    panic_banner::install();
    let document = gloo_document();
    match document.get_element_by_id("app") {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}

fn gloo_document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("nnplay runs in a page with a document")
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <main class="page">
            <header class="masthead">
                <h1 data-testid="title">{ "nnplay" }</h1>
                <p class="tagline">{ "A neural-network playground: draw data, pick a model, watch gradient descent learn." }</p>
            </header>
            <section class="stage">
                <DataPlot />
                <p class="description" data-testid="description">
                    { "Each dot is a labelled example in the square [−1, 1]². A model assigns every point of the plane a score; \
                       training nudges its weights down the gradient of the loss until the coloured regions agree with the dots." }
                </p>
            </section>
        </main>
    }
}

/// The data plot: the input plane with the default data set drawn on it.
#[function_component(DataPlot)]
pub fn data_plot() -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with((), move |_| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                draw_points(&canvas);
            }
        });
    }
    html! {
        <canvas ref={canvas} class="plot" data-testid="plot" width="480" height="480"
            aria-label="Data plot: the input plane with the training points" />
    }
}

fn draw_points(canvas: &HtmlCanvasElement) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    ctx.set_fill_style_str("#f6f7fb");
    ctx.fill_rect(0.0, 0.0, w, h);
    let data = Dataset::generate(&DataSpec {
        preset: Preset::Xor,
        ..DataSpec::default()
    });
    for p in &data.points {
        let x = (p.x[0] as f64 + 1.0) / 2.0 * w;
        let y = (1.0 - p.x[1] as f64) / 2.0 * h;
        ctx.begin_path();
        let _ = ctx.arc(x, y, 4.0, 0.0, std::f64::consts::TAU);
        ctx.set_fill_style_str(if p.y > 0.0 { "#e8743b" } else { "#1f77b4" });
        ctx.fill();
    }
}

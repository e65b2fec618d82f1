//! Compare mode around the plot: each side's model in one line over its map, and the second
//! run's map (the painters draw it with the first's, see `painters.rs`).

use super::painters::Canvases;
use super::use_summary;
use crate::page::settings::Settings;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`ComparePlot`].
#[derive(Properties, PartialEq)]
pub struct ComparePlotProps {
    /// The settings (the session's own), whose `compare` is the second run.
    pub settings: Rc<Settings>,
    /// The page's canvases (the second plot's among them).
    pub canvases: Canvases,
}

/// The two models' descriptions and the second run's map; nothing outside compare mode.
#[function_component(ComparePlot)]
pub fn compare_plot(props: &ComparePlotProps) -> Html {
    let summary = use_summary();
    let Some(second) = &props.settings.compare else {
        return Html::default();
    };
    let stopped = summary.second.is_some_and(|run| run.diverged).then(|| {
        html! { <strong class="compare-stopped">{ " — stopped: its numbers overflowed, lower its η" }</strong> }
    });
    let (first, second) = (props.settings.run.describe(), second.describe());
    html! {
        <>
            <p class="compare-description first" data-testid="compare-description-1" title={first.clone()}>
                <span class="side" aria-label="Model 1:">{ "1" }</span>{ first }</p>
            <p class="compare-description second" data-testid="compare-description-2" title={second.clone()}>
                <span class="side" aria-label="Model 2:">{ "2" }</span>{ second }{ for stopped }</p>
            <div class="plot-box plot-box-2">
                <canvas ref={props.canvases.plot_2.clone()} class="plot" data-testid="plot-2"
                    aria-label="The second model's map, on the same points" />
            </div>
        </>
    }
}

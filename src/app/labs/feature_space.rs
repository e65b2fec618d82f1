//! The feature-space lab: the points drawn at the values the last layer (or a chosen layer)
//! reads, with the last layer's line when it reads them.

use super::LabProps;
use crate::app::controls::select;
use crate::app::lab_paint::GridPainter;
use crate::app::palette_ui::use_palette;
use crate::app::use_summary;
use crate::engine::labs::feature_space::{project, Projection};
use crate::engine::Task;
use crate::page::settings::ModelFamily;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The feature-space view of the live model.
#[function_component(FeatureSpaceLab)]
pub(super) fn feature_space_lab(props: &LabProps) -> Html {
    // The view follows the live model: it re-renders with every readout refresh.
    use_summary();
    let canvas = use_node_ref();
    let painter = use_mut_ref(GridPainter::default);
    let palette = use_palette();
    let (projection, layer) = (props.settings.projection, props.settings.space_layer);
    // What the session shows: an earlier step while the page looks back.
    let (view, task, classes, depth, linear) = props.updater.with_session(|s| {
        let s = s.shown();
        (
            project(&s.trainer.model, &s.data, projection, layer),
            s.task(),
            s.classes(),
            s.trainer.model.layers.len(),
            s.settings.run.model == ModelFamily::Linear,
        )
    });
    let last = depth - 1;
    let view = Rc::new(view);
    {
        let (canvas, painter, view) = (canvas.clone(), painter.clone(), view.clone());
        use_effect(move || {
            if let (Some(c), Ok(mut painter)) = (canvas.cast::<HtmlCanvasElement>(), painter.try_borrow_mut())
            {
                painter.paint_feature_space(&c, &view, task, classes, palette);
            }
        });
    }
    let train: Vec<_> = view.points.iter().filter(|p| !p.test).collect();
    let correct = train
        .iter()
        .filter(|p| p.correct.unwrap_or((p.score >= 0.0) == (p.y > 0.0)))
        .count();
    let kind = match view.projection {
        Projection::Separator => "sep",
        Projection::Principal => "pca",
        Projection::Units(..) => "units",
    };
    let choose = {
        let u = props.updater.clone();
        Callback::from(move |key: String| {
            u.settings(|s| {
                s.projection = match key.as_str() {
                    "pca" => Projection::Principal,
                    "units" => Projection::Units(0, 1),
                    _ => Projection::Separator,
                }
            })
        })
    };
    let unit_pickers = match view.projection {
        Projection::Units(i, j) => {
            let units: Vec<(String, String)> = (0..view.width.min(64))
                .map(|k| (k.to_string(), format!("unit {}", k + 1)))
                .collect();
            let set = |other: usize, first: bool| {
                let u = props.updater.clone();
                Callback::from(move |key: String| {
                    if let Ok(k) = key.parse::<usize>() {
                        let (a, b) = if first { (k, other) } else { (other, k) };
                        if a != b {
                            u.settings(|s| s.projection = Projection::Units(a, b));
                        }
                    }
                })
            };
            html! { <>
                { select("Across", "space-unit-x", units.clone(), &i.to_string(), set(j, true)) }
                { select("Up", "space-unit-y", units, &j.to_string(), set(i, false)) }
            </> }
        }
        _ => html! {},
    };
    // What dense layer l reads: the inputs or features for l = 0, hidden layer l otherwise.
    let layer_name = |l: usize| match l {
        0 if linear => "the inputs x₁, x₂".to_string(),
        0 if depth == 1 => "the features φ(x)".to_string(),
        0 => "the inputs (x₁, x₂)".to_string(),
        l => format!("hidden layer {l}"),
    };
    let layers: Vec<(String, String)> = (0..depth)
        .map(|l| {
            let key = if l == last {
                "last".to_string()
            } else {
                l.to_string()
            };
            let text = if l == last {
                format!("{} (what the output reads)", layer_name(l))
            } else {
                layer_name(l)
            };
            (key, text)
        })
        .collect();
    let choose_layer = {
        let u = props.updater.clone();
        Callback::from(move |key: String| u.settings(|s| s.space_layer = key.parse::<usize>().ok()))
    };
    let layer_key = if view.layer == last {
        "last".to_string()
    } else {
        view.layer.to_string()
    };
    let exactness = match (view.rule.is_some(), view.exact) {
        (true, true) => {
            "Every point sits on its true side of the line: the view keeps everything the last layer uses."
        }
        (true, false) => {
            "The background and line are the last layer on this plane through the mean features; points are \
            projected onto it, so a point may sit on the wrong side here yet be classified correctly. \
            Choose 'Along w' for the exact picture."
        }
        (false, true) => {
            "The output does not read this layer directly, so there is no line: see how far this layer \
            has pulled the classes apart, and compare the layers after it."
        }
        (false, false) => {
            "The output does not read this layer directly, so there is no line, and a plane shows only \
            part of its values. Compare the layers after it."
        }
    };
    // One value is drawn across the plot as it is; more are projected (or turned) onto a plane.
    let (drawn_at, projected, them) = match view.width {
        1 => (
            format!(
                "Each point is drawn across the plot at the one value of {}",
                layer_name(view.layer)
            ),
            "",
            "it",
        ),
        n => (
            format!(
                "Each point is drawn at the {n} values of {}",
                layer_name(view.layer)
            ),
            ", projected on a plane",
            "them",
        ),
    };
    let total = props.updater.with_session(|s| s.data.points.len());
    let sample = if view.points.len() < total {
        format!(
            " (an evenly spaced sample of {} of the {total} points, to keep this large network quick)",
            view.points.len()
        )
    } else {
        String::new()
    };
    let verdict = match task {
        Task::Classification => format!(
            "Training points the network classifies correctly: {correct} of {}{sample}.",
            train.len()
        ),
        Task::Regression if view.rule.is_some() => {
            "Colour: the last layer's output; the line is where it is zero.".to_string()
        }
        Task::Regression => "Colour of each point: its target value.".to_string(),
    };
    html! {
        <div class="lab lab-space" data-testid="lab-space">
            <div class="lab-controls">
                { select("Projection", "space-projection", vec![
                    ("sep".into(), "Along w, and most spread across it".into()),
                    ("pca".into(), "First two principal components".into()),
                    ("units".into(), "Two chosen units".into()),
                ], kind, choose) }
                { unit_pickers }
                { select("Layer", "space-layer", layers, &layer_key, choose_layer) }
            </div>
            <div class="lab-body">
                <canvas ref={canvas} class="lab-canvas square" data-testid="feature-space"
                    data-exact={view.exact.to_string()} aria-label="The points drawn at their feature values" />
                <div class="lab-text">
                    <p>{ if view.rule.is_some() {
                        format!("{drawn_at} — what the last layer reads{projected}. The last layer is a linear model \
                            w·h + b on {them}: the dark line is w·h + b = 0. Press Play and watch the features move the \
                            classes apart until a line separates them.")
                    } else {
                        format!("{drawn_at}{projected}.")
                    } }</p>
                    <p data-testid="space-exactness">{ exactness }</p>
                    <p data-testid="space-correct" data-correct={correct.to_string()} data-total={train.len().to_string()}>
                        <strong>{ verdict }</strong></p>
                </div>
            </div>
        </div>
    }
}

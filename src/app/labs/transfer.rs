//! The transfer lab: pretraining on the plot's points, then fine-tuning three ways on a
//! target with few labels, with the maps, units and scores of each run.

use super::transfer_numbers::{score_text, TransferNumbers};
use super::{use_work_loop, LabProps, CUT_SHORT};
use crate::app::controls::{button, checkbox, select, slider};
use crate::app::lab_paint::GridPainter;
use crate::app::now_ms;
use crate::app::palette_ui::use_palette;
use crate::app::panel::{format_rate, options, pick};
use crate::app::use_summary;
use crate::app::Updater;
use crate::engine::labs::transfer::{
    preset_target, ShiftKind, Strategy, TargetSource, TransferLab, FINE_TUNE_STEPS, LAB_LEARNING_RATE,
    PRETRAIN_STEPS,
};
use crate::engine::{Preset, Task};
use crate::page::limits;
use crate::page::settings::Settings;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The target the settings ask for, or the source's own data set when the chosen preset is
/// the other kind of task (classes against values).
fn effective_target(settings: &Settings) -> TargetSource {
    match settings.target {
        TargetSource::Preset(p) if p.task() != settings.task() => TargetSource::Preset(settings.dataset),
        other => other,
    }
}

/// The target task the settings describe, drawn from the plot when it says so.
fn target_of(settings: &Settings, updater: &Updater) -> crate::engine::Dataset {
    match effective_target(settings) {
        TargetSource::Plot => updater.with_session(|s| s.data.clone()),
        TargetSource::Preset(p) => preset_target(
            p,
            settings.target_labels,
            settings.target_swap,
            settings.noise,
            settings.data_seed.wrapping_add(1),
        ),
    }
}

/// Pretraining then fine-tuning.
#[function_component(TransferLabPanel)]
pub(super) fn transfer_lab_panel(props: &LabProps) -> Html {
    let summary = use_summary();
    let work = use_mut_ref(|| None::<TransferLab>);
    let running = use_state(|| false);
    let tick = use_state(|| 0u64);
    let error = use_state(|| None::<String>);
    let painter = use_mut_ref(GridPainter::default);
    let maps: Rc<[NodeRef; 3]> = use_memo((), |_| Default::default());
    let units: Rc<[NodeRef; 3]> = use_memo((), |_| Default::default());
    let source_map = use_node_ref();
    let settings = props.settings.clone();
    let palette = use_palette();

    let fine_tune = {
        let (work, running, error, updater) = (
            work.clone(),
            running.clone(),
            error.clone(),
            props.updater.clone(),
        );
        Callback::from(move |settings: Rc<Settings>| {
            let Ok(mut slot) = work.try_borrow_mut() else {
                return error.set(Some(CUT_SHORT.into()));
            };
            let Some(lab) = slot.as_mut() else {
                return;
            };
            match lab.fine_tune(target_of(&settings, &updater)) {
                Ok(()) => {
                    error.set(None);
                    running.set(true);
                }
                Err(why) => error.set(Some(format!("Cannot fine-tune: {why}."))),
            }
        })
    };
    let pretrain = {
        let (work, running, error, updater) = (
            work.clone(),
            running.clone(),
            error.clone(),
            props.updater.clone(),
        );
        Callback::from(move |settings: Rc<Settings>| {
            let Some(source) = updater.try_with_session(|s| s.data.clone()) else {
                return;
            };
            let Ok(mut slot) = work.try_borrow_mut() else {
                return error.set(Some(CUT_SHORT.into()));
            };
            match TransferLab::new(settings.model_spec(), &source, settings.seed) {
                Ok(lab) => {
                    // Fine-tuning follows by itself when pretraining ends (see below).
                    *slot = Some(lab);
                    error.set(None);
                    running.set(true);
                }
                Err(why) => {
                    *slot = None;
                    error.set(Some(format!("Cannot pretrain: {why}.")));
                }
            }
        })
    };
    {
        let (work, fine_tune, settings) = (work.clone(), fine_tune.clone(), settings.clone());
        use_work_loop(
            work.clone(),
            running.clone(),
            tick.clone(),
            move |lab: &mut TransferLab, deadline| {
                let was_pretrained = lab.is_pretrained();
                while lab.is_busy() && now_ms() < deadline {
                    lab.advance(if lab.is_pretrained() { 20 } else { 200 });
                    if !was_pretrained && lab.is_pretrained() {
                        break;
                    }
                }
            },
            |lab| lab.is_busy(),
        );
        // When pretraining ends, fine-tuning starts on the target chosen now.
        let pretrained_now = work.try_borrow().is_ok_and(|w| {
            w.as_ref()
                .is_some_and(|l| l.is_pretrained() && l.target().is_none())
        });
        use_effect_with(pretrained_now, move |&now| {
            if now {
                fine_tune.emit(settings);
            }
        });
    }
    // Changing the target re-runs fine-tuning from the same pretrained network.
    {
        let fine_tune = fine_tune.clone();
        let key = (settings.target, settings.target_swap, settings.target_labels);
        let work = work.clone();
        let settings = settings.clone();
        use_effect_with(key, move |_| {
            if work
                .try_borrow()
                .is_ok_and(|w| w.as_ref().is_some_and(|l| l.target().is_some()))
            {
                fine_tune.emit(settings);
            }
        });
    }
    // Start on opening, once.
    {
        let (pretrain, settings) = (pretrain.clone(), settings.clone());
        use_effect_with((), move |_| pretrain.emit(settings));
    }
    // Paint the maps and units when the lab or the shift changes, and on edits and resizes.
    {
        let (work, painter, maps, units, shift, source_map) = (
            work.clone(),
            painter.clone(),
            maps.clone(),
            units.clone(),
            settings.shift,
            source_map.clone(),
        );
        let key = (*tick, *running, shift_key(&settings), summary.revision, palette);
        use_effect_with(key, move |_| {
            let (Ok(lab), Ok(mut painter)) = (work.try_borrow(), painter.try_borrow_mut()) else {
                return;
            };
            let Some(lab) = lab.as_ref() else {
                return;
            };
            let task = lab.task();
            let shown: Vec<crate::engine::Point> = lab.target().map_or_else(Vec::new, |t| {
                t.points
                    .iter()
                    .map(|p| {
                        if p.test {
                            crate::engine::Point {
                                x: shift.apply(p.x),
                                ..*p
                            }
                        } else {
                            *p
                        }
                    })
                    .collect()
            });
            if let Some(c) = source_map.cast::<HtmlCanvasElement>() {
                painter.paint_model(&c, lab.source_model(), task, lab.source_points(), false, palette);
            }
            for (strategy, node) in Strategy::ALL.into_iter().zip(maps.iter()) {
                if let (Some(model), Some(c)) = (lab.model(strategy), node.cast::<HtmlCanvasElement>()) {
                    painter.paint_model(&c, model, task, &shown, true, palette);
                }
            }
            let source = lab.source_model();
            let layer = source.layers.len().saturating_sub(2);
            let count = source.layers[layer].outputs.min(8);
            let models = [
                Some(source),
                lab.model(Strategy::FineTune),
                lab.model(Strategy::Scratch),
            ];
            for (model, node) in models.into_iter().zip(units.iter()) {
                if let (Some(model), Some(c)) = (model, node.cast::<HtmlCanvasElement>()) {
                    painter.paint_units(&c, model, layer, count, palette);
                }
            }
        });
    }

    let numbers = {
        let (work, shift, task) = (work.clone(), settings.shift, settings.task());
        let key = (*tick, *running, shift_key(&settings), (*error).clone());
        use_memo(key, move |_| match work.try_borrow_mut() {
            Ok(mut lab) => TransferNumbers::of(lab.as_mut(), shift, task),
            Err(_) => TransferNumbers {
                status: CUT_SHORT.into(),
                ..TransferNumbers::of(None, shift, task)
            },
        })
    };
    let TransferNumbers {
        status,
        done,
        task,
        results,
        labels,
    } = (*numbers).clone();
    // Pretraining learned from the plot and the network as they were; say so once they differ
    // (edits to the plot are expected when the plot is the target, so those alone pass).
    let stale = props.updater.with_session(|s| {
        work.try_borrow().is_ok_and(|w| {
            let Some(lab) = w.as_ref() else {
                return false;
            };
            let network_changed = lab.network() != (&settings.model_spec(), settings.seed);
            let points_changed = lab.source_points() != s.data.points.as_slice();
            network_changed || (points_changed && settings.target != TargetSource::Plot)
        })
    });
    let shifted = settings.shift.amount > 0.0;
    let table = (!results.is_empty()).then(|| html! {
        <table class="lab-table" data-testid="transfer-table">
            <thead><tr>
                <th scope="col">{ "How the target is learned" }</th>
                <th scope="col">{ "labelled points" }</th>
                <th scope="col">{ "test points" }</th>
                <th scope="col">{ if shifted { format!("test points {}", settings.shift.describe()) } else { "shifted test points (no shift)".into() } }</th>
            </tr></thead>
            <tbody>
                { for results.iter().map(|r| html! {
                    <tr data-testid={format!("transfer-row-{}", r.strategy.key())}>
                        <th scope="row">{ r.strategy.label() }</th>
                        <td data-testid={format!("transfer-train-{}", r.strategy.key())}>{ score_text(task, r.train.score) }</td>
                        <td data-testid={format!("transfer-test-{}", r.strategy.key())} data-score={r.test.score.to_string()}>{ score_text(task, r.test.score) }</td>
                        <td data-testid={format!("transfer-shifted-{}", r.strategy.key())} data-score={r.shifted.score.to_string()}>{ score_text(task, r.shifted.score) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    });
    let targets: Vec<(String, String)> = Preset::ALL
        .into_iter()
        .filter(|p| p.task() == task)
        .map(|p| (p.key().to_string(), p.label().to_string()))
        .chain([("plot".to_string(), "The points on the plot".to_string())])
        .collect();
    let u = &props.updater;
    let swap_label = match task {
        Task::Classification => "Swap the classes",
        Task::Regression => "Negate the values",
    };
    let labels_input = {
        let u = props.updater.clone();
        Callback::from(move |v: f64| {
            u.settings(|s| {
                s.target_labels = (v.round() as usize).clamp(limits::TARGET_LABELS.0, limits::TARGET_LABELS.1)
            })
        })
    };
    let shift_amount = {
        let u = props.updater.clone();
        Callback::from(move |v: f64| u.settings(|s| s.shift.amount = (v as f32).clamp(0.0, 1.0)))
    };
    let is_preset = matches!(effective_target(&settings), TargetSource::Preset(_));
    let score_name = match task {
        Task::Classification => "accuracy",
        Task::Regression => "R²",
    };
    html! {
        <div class="lab lab-transfer" data-testid="lab-transfer">
            <div class="lab-controls">
                { button("Pretrain, then fine-tune", "transfer-run",
                    "Pretrain the network on the plot's points, then fine-tune three ways on the target", {
                        let (pretrain, settings) = (pretrain.clone(), settings.clone());
                        Callback::from(move |_| pretrain.emit(settings.clone()))
                    }) }
                { button("Fine-tune again", "transfer-finetune", "Keep the pretrained network; learn the target again", {
                        let (fine_tune, settings) = (fine_tune.clone(), settings.clone());
                        Callback::from(move |_| fine_tune.emit(settings.clone()))
                    }) }
                { select("Target task", "transfer-target", targets, effective_target(&settings).key(), pick(u, |s, t| s.target = t)) }
                if is_preset {
                    { slider("Labelled points", "transfer-labels", limits::TARGET_LABELS.0 as f64, limits::TARGET_LABELS.1 as f64, 1.0,
                        settings.target_labels as f64, settings.target_labels.to_string(), labels_input) }
                    { checkbox(html! { swap_label }, "transfer-swap", settings.target_swap,
                        Callback::from({ let u = props.updater.clone(); move |on| u.settings(|s| s.target_swap = on) })) }
                }
                { select("Shift the test points", "transfer-shift-kind",
                    options(&ShiftKind::ALL, |k| k.key(), |k| k.label().to_string()), settings.shift.kind.key(), pick(u, |s, k| s.shift.kind = k)) }
                { slider("Shift amount", "transfer-shift", 0.0, 1.0, 0.05, settings.shift.amount as f64,
                    settings.shift.describe(), shift_amount) }
            </div>
            if let Some(why) = &*error {
                <p class="lab-error" role="alert" data-testid="transfer-error">{ why }</p>
            }
            <p class="lab-status" data-testid="transfer-status" data-done={done.to_string()}>{ status }</p>
            // The scores first: they are what the scene's caption is about, so they must show
            // without scrolling on a 1024×768 projector.
            { for table }
            if stale {
                <p class="lab-note" data-testid="transfer-stale">{ "The plot or the network has changed since pretraining: \
                    press 'Pretrain, then fine-tune' to start again from them as they are now." }</p>
            }
            <p class="lab-text">{ format!(
                "The neural network set in the Model panel (its shape, activation and seed) first learns the points on the plot for {PRETRAIN_STEPS} steps. \
                 Then it learns the target from only {} labelled points in three ways, each for {FINE_TUNE_STEPS} full-batch steps (Adam, η = {}){}",
                labels.map_or("a few".to_string(), |l| l.0.to_string()), format_rate(LAB_LEARNING_RATE),
                match labels {
                    Some((_, 0)) => ".".to_string(),
                    Some((_, tests)) => format!(", and is scored ({score_name}) on the target's {tests} other points. \
                        Drag the shift to move those test points away from where the labels were."),
                    None => format!(", and is scored ({score_name}) on the target's other points."),
                }) }</p>
            if labels.is_some_and(|l| l.1 == 0) {
                <p class="lab-note" data-testid="transfer-note">{ "The target has no test points (every point on the plot is \
                    labelled), so only the labelled points are scored: compare how the three maps below fill the rest of the plane." }</p>
            }
            if settings.shift.kind == ShiftKind::Rotate {
                <p class="lab-note" data-testid="transfer-shift-note">{ "A rotation moves each test point with its label, so it can \
                    change the task itself: XOR turned by 90° swaps its classes, and then all three runs sink together — because the \
                    task changed, not because pretraining failed. Scale keeps XOR's rule (every point stays in its quadrant) and \
                    tests how each run does beyond the square it learned on." }</p>
            }
            <div class="transfer-maps">
                <figure class="source">
                    <canvas ref={source_map} class="lab-canvas thumb" data-testid="transfer-map-source"
                        aria-label="The pretrained network's output over the plane, with the source points" />
                    <figcaption>{ "Pretrained, on its source" }</figcaption>
                </figure>
                { for Strategy::ALL.into_iter().zip(maps.iter()).map(|(s, node)| html! {
                    <figure>
                        <canvas ref={node.clone()} class="lab-canvas thumb" data-testid={format!("transfer-map-{}", s.key())}
                            aria-label={format!("{}: output over the plane, with the target's points", s.label())} />
                        <figcaption>{ s.label() }</figcaption>
                    </figure>
                }) }
            </div>
            <h3>{ "The features (the last hidden layer's units) before and after" }</h3>
            <div class="transfer-units">
                { for ["Pretrained (the frozen run keeps these)", "After fine-tuning every layer", "Learned from scratch"]
                    .into_iter().zip(units.iter()).zip(["pretrained", "finetune", "scratch"]).map(|((label, node), key)| html! {
                    <figure>
                        <figcaption>{ label }</figcaption>
                        <canvas ref={node.clone()} class="lab-canvas units" data-testid={format!("transfer-units-{key}")}
                            aria-label={format!("{label}: each unit's value over the plane")} />
                    </figure>
                }) }
            </div>
        </div>
    }
}

/// The shift as a comparable key.
fn shift_key(settings: &Settings) -> (ShiftKind, u32) {
    (settings.shift.kind, settings.shift.amount.to_bits())
}
